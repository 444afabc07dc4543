import { describe, expect, it } from 'vitest'
import { RateLimiter, checkAll, rateRules, ruleFromEnv } from '../../core/security/rate-limit'
import type { CacheCommand } from '../../core/ports'
import { emailAllowed, parseDomains } from '../../core/security/identity'
import { handleFrom } from '../../core/domain/users'
import { freshDomain } from './helpers'

/** The Cache's batch, for the commands the limiter sends, in memory, with expiry ignored. */
function memoryCache() {
  const values = new Map<string, number>()
  const run = ([name, key, by]: CacheCommand) => {
    if (name === 'get') return values.has(key) ? String(values.get(key)) : null
    if (name !== 'incrBy') return null
    values.set(key, (values.get(key) ?? 0) + Number(by))
    return values.get(key)!
  }
  return { values, trips: 0, async batch(commands: CacheCommand[]) {
    this.trips++
    return commands.map(run)
  } }
}

describe('rate limiter', () => {
  it('allows the limit within a window, refuses the next hit with a Retry-After, and lets it through later', async () => {
    let now = 1_000_000_000_000 - (1_000_000_000_000 % 60_000)
    const limiter = new RateLimiter(memoryCache(), () => now)
    const rule = { name: 'writes', limit: 3, windowSeconds: 60 }
    for (let i = 0; i < 3; i++) expect((await limiter.hit(rule, 'u1')).allowed).toBe(true)
    const refused = await limiter.hit(rule, 'u1')
    expect(refused).toMatchObject({ allowed: false, remaining: 0 })
    expect(refused.retryAfterSeconds).toBe(60)
    // Another subject has its own count.
    expect((await limiter.hit(rule, 'u2')).allowed).toBe(true)
    // Just after the window turns, the previous window still weighs almost fully…
    now += 61_000
    expect((await limiter.hit(rule, 'u1')).allowed).toBe(false)
    // …and by the end of it, it has slid out.
    now += 50_000
    expect((await limiter.hit(rule, 'u1')).allowed).toBe(true)
  })

  it('does not count refused hits, so a steady client gets back in', async () => {
    const cache = memoryCache()
    const now = 120_000
    const limiter = new RateLimiter(cache, () => now)
    const rule = { name: 'signin', limit: 2, windowSeconds: 60 }
    for (let i = 0; i < 10; i++) await limiter.hit(rule, 'ip')
    expect([...cache.values.values()]).toEqual([2])
  })

  it('counts every rule in one round trip, and takes back the refused hit and those after it', async () => {
    const cache = memoryCache()
    const limiter = new RateLimiter(cache, () => 120_000)
    const [user, ip] = [{ name: 'user', limit: 1, windowSeconds: 60 }, { name: 'ip', limit: 5, windowSeconds: 60 }]
    expect(await limiter.hitAll([[user, 'u'], [ip, 'addr']])).toMatchObject({ allowed: true, remaining: 0 })
    expect(cache.trips).toBe(1)
    expect((await limiter.hitAll([[user, 'u'], [ip, 'addr']])).allowed).toBe(false)
    expect(cache.trips).toBe(3)
    // The refused request counted on neither rule; another person behind the address still gets in.
    expect([...cache.values.values()]).toEqual([1, 1])
    expect(await limiter.hitAll([[user, 'v'], [ip, 'addr']])).toMatchObject({ allowed: true, remaining: 0 })
  })

  it('switches a rule off with 0, and everything off with C18N_RATE_LIMIT=off', async () => {
    const limiter = new RateLimiter(memoryCache())
    const off = ruleFromEnv('w', 'X', { limit: 5, windowSeconds: 60 }, { X: '0' })
    for (let i = 0; i < 20; i++) expect((await limiter.hit(off, 'a')).allowed).toBe(true)
    const tight = { name: 't', limit: 1, windowSeconds: 60 }
    await checkAll(limiter, [[tight, 'a']])
    expect((await checkAll(limiter, [[tight, 'a']])).allowed).toBe(false)
    expect((await checkAll(limiter, [[tight, 'a']], { C18N_RATE_LIMIT: 'off' })).allowed).toBe(true)
  })

  it('reads rules from the environment as N or N/seconds, falling back on nonsense', () => {
    expect(ruleFromEnv('w', 'X', { limit: 5, windowSeconds: 60 }, { X: '100' })).toEqual({ name: 'w', limit: 100, windowSeconds: 60 })
    expect(ruleFromEnv('w', 'X', { limit: 5, windowSeconds: 60 }, { X: '7/10' })).toEqual({ name: 'w', limit: 7, windowSeconds: 10 })
    expect(ruleFromEnv('w', 'X', { limit: 5, windowSeconds: 60 }, { X: 'lots' })).toEqual({ name: 'w', limit: 5, windowSeconds: 60 })
    expect(ruleFromEnv('w', 'X', { limit: 5, windowSeconds: 60 }, { X: '5/0' })).toEqual({ name: 'w', limit: 5, windowSeconds: 60 })
    expect(rateRules({ C18N_RATE_LIMIT_WRITES: '0' }).writesPerUser.limit).toBe(0)
  })

  it('counts in the real Cache port, shared by every limiter on it', async () => {
    const { domain } = await freshDomain()
    const rule = { name: 'shared', limit: 2, windowSeconds: 60 }
    const [one, two] = [new RateLimiter(domain.ports.cache), new RateLimiter(domain.ports.cache)]
    expect((await one.hit(rule, 'x')).allowed).toBe(true)
    expect((await two.hit(rule, 'x')).allowed).toBe(true)
    expect((await one.hit(rule, 'x')).allowed).toBe(false)
  })
})

describe('single sign-on', () => {
  it('admits verified emails of the allowed domains only', () => {
    const domains = parseDomains(' okta.test, @Example.org ,')
    expect(domains).toEqual(['okta.test', 'example.org'])
    expect(emailAllowed('amelia@okta.test', true, domains)).toBe(true)
    expect(emailAllowed('Bob@EXAMPLE.org', undefined, domains)).toBe(true)
    expect(emailAllowed('mallory@elsewhere.test', true, domains)).toBe(false)
    expect(emailAllowed('amelia@okta.test', false, domains)).toBe(false)
    expect(emailAllowed(undefined, true, domains)).toBe(false)
    expect(emailAllowed('anyone@anywhere.test', true, [])).toBe(true)
  })

  it('derives valid handles from usernames and emails', () => {
    expect(handleFrom('amelia.earhart@okta.test')).toBe('amelia-earhart')
    expect(handleFrom('Al')).toBe('al-0')
    expect(handleFrom('@@@')).toBe('user-000')
    expect(handleFrom('x'.repeat(80))).toHaveLength(34)
  })

  it('makes a profile from the claims on the first sign-in and finds it by subject later', async () => {
    const { domain, make } = await freshDomain()
    await make('amelia-earhart')
    const identity = { provider: 'okta', subject: 'okta-amelia', email: 'amelia.earhart@okta.test', name: 'Amelia Earhart', preferredUsername: 'amelia.earhart@okta.test', picture: 'javascript:alert(1)' }
    const first = await domain.users.signInWithIdentity(identity)
    expect(first).toMatchObject({ handle: 'amelia-earhart-2', displayName: 'Amelia Earhart', avatarUrl: null, role: 'user' })
    const again = await domain.users.signInWithIdentity({ ...identity, name: 'Renamed at the provider' })
    expect(again.id).toBe(first.id)
    const other = await domain.users.signInWithIdentity({ ...identity, subject: 'okta-someone-else' })
    expect(other.id).not.toBe(first.id)
    expect(await domain.ports.store.collection('identities').count({ userId: first.id })).toBe(1)
  })
})

describe('websocket upgrade origin', () => {
  it('accepts the app\'s own origin and refuses others and none', async () => {
    const { upgradeFromOwnOrigin } = await import('../../server/utils/security')
    const upgrade = (origin?: string) => new Request('http://127.0.0.1:3000/api/ws', { headers: origin ? { origin } : {} })
    expect(upgradeFromOwnOrigin(upgrade('http://127.0.0.1:3000'))).toBe(true)
    expect(upgradeFromOwnOrigin(upgrade('https://evil.example'))).toBe(false)
    expect(upgradeFromOwnOrigin(upgrade('http://127.0.0.1:3001'))).toBe(false)
    expect(upgradeFromOwnOrigin(upgrade())).toBe(false)
  })
})
