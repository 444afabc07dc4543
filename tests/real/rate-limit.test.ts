import { afterAll, describe, expect, it } from 'vitest'
import { RedisCache } from '../../adapters/real/redis-cache'
import { RateLimiter } from '../../core/security/rate-limit'
import { realStackEnv } from './stack-env'

// The limiter on Redis: app processes share one count per subject, and keys expire by themselves.
const env = realStackEnv()
const caches = [new RedisCache(env.REDIS_URL), new RedisCache(env.REDIS_URL)]
afterAll(() => Promise.all(caches.map(cache => cache.close())))

describe('rate limiter on Redis', () => {
  it('counts hits from two processes together and refuses past the limit, under concurrency', async () => {
    const rule = { name: `t${Date.now().toString(36)}`, limit: 10, windowSeconds: 60 }
    const [one, two] = caches.map(cache => new RateLimiter(cache))
    const decisions = await Promise.all(Array.from({ length: 16 }, (_, i) => (i % 2 ? one! : two!).hit(rule, 'user-1')))
    expect(decisions.filter(d => d.allowed)).toHaveLength(10)
    const refused = decisions.find(d => !d.allowed)!
    expect(refused.retryAfterSeconds).toBeGreaterThan(0)
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60)
    expect((await one!.hit(rule, 'user-2')).allowed).toBe(true)
    const keys = await caches[0]!.keys(`ratelimit:${rule.name}:*`)
    expect(keys.length).toBe(2)
    for (const key of keys) expect(await caches[0]!.ttl(key)).toBeGreaterThan(60)
  })
})
