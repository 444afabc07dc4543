import { describe, expect, it } from 'vitest'
import { CommunityAccessCache } from '../../core/domain/community-access-cache'
import { freshDomain } from './helpers'

/** A load that counts its calls and answers what `value` holds when called. */
function counted<T>(initial: T) {
  const load = Object.assign(async () => {
    load.calls++
    return load.value
  }, { calls: 0, value: initial })
  return load
}

describe('the community access cache', () => {
  it('serves what it read, "not a member" too, until an event about that community', async () => {
    const cache = new CommunityAccessCache(() => true)
    const role = counted<string | null>(null)
    expect(await cache.role('c1', 'u1', role)).toBeNull()
    expect(await cache.role('c1', 'u1', role)).toBeNull()
    expect(role.calls).toBe(1)
    role.value = 'member'
    cache.forget('c2')
    expect(await cache.role('c1', 'u1', role)).toBeNull()
    cache.forget('c1')
    expect(await cache.role('c1', 'u1', role)).toBe('member')
    expect(role.calls).toBe(2)
  })

  it('keeps no community it did not find, and finds one by address under its id', async () => {
    const cache = new CommunityAccessCache(() => true)
    const bySlug = counted<{ _id: string, slug: string } | null>(null)
    expect(await cache.bySlug('chess', bySlug)).toBeNull()
    bySlug.value = { _id: 'c1', slug: 'chess' }
    expect(await cache.bySlug('chess', bySlug)).toEqual({ _id: 'c1', slug: 'chess' })
    expect(await cache.bySlug('chess', bySlug)).toEqual({ _id: 'c1', slug: 'chess' })
    expect(bySlug.calls).toBe(2)
    const byId = counted<{ _id: string, slug: string } | null>({ _id: 'c1', slug: 'other' })
    expect(await cache.byId('c1', byId)).toEqual({ _id: 'c1', slug: 'chess' })
    expect(byId.calls).toBe(0)
  })

  it('does not keep a read that an event overtook', async () => {
    const cache = new CommunityAccessCache(() => true)
    let release!: () => void
    const slow = async () => {
      await new Promise<void>((resolve) => { release = resolve })
      return 'member'
    }
    const reading = cache.role('c1', 'u1', slow)
    // The person left while the read was on its way: what it found must not be kept.
    cache.forget('c1')
    release()
    expect(await reading).toBe('member')
    const role = counted<string | null>(null)
    expect(await cache.role('c1', 'u1', role)).toBeNull()
    expect(role.calls).toBe(1)
  })

  it('reads through, keeping nothing, while the applied stream is not heard', async () => {
    let live = false
    const cache = new CommunityAccessCache(() => live)
    const role = counted<string | null>('member')
    await cache.role('c1', 'u1', role)
    live = true
    await cache.role('c1', 'u1', role)
    expect(role.calls).toBe(2)
  })

  it('lets the oldest community go past its bound', async () => {
    const cache = new CommunityAccessCache(() => true, 2)
    const role = counted<string | null>('member')
    for (const id of ['c1', 'c2', 'c3']) await cache.role(id, 'u1', role)
    await cache.role('c3', 'u1', role)
    await cache.role('c2', 'u1', role)
    expect(role.calls).toBe(3)
    await cache.role('c1', 'u1', role)
    expect(role.calls).toBe(4)
  })
})

describe('access checks behind the cache', () => {
  it('see a membership, a ban and a departure as soon as each is applied', { timeout: 30_000 }, async () => {
    const { domain, make } = await freshDomain()
    const [owner, ann] = [await make('owner'), await make('ann')]
    await domain.communities.create(owner.actor, { name: 'Cached', slug: 'cached', description: '', topics: [], visibility: 'private', postsNeedApproval: false })
    await expect(domain.posts.create(ann.actor, 'cached', { title: 'Hi', body: 'x', tags: [] })).rejects.toMatchObject({ kind: 'not_found' })
    await domain.communities.addMember(owner.actor, 'cached', ann.handle)
    await domain.posts.create(ann.actor, 'cached', { title: 'Hi', body: 'x', tags: [] })
    await domain.moderation.ban(owner.actor, 'cached', { userId: ann.id, mode: 'mute', reason: 'cool down', until: null })
    await expect(domain.posts.create(ann.actor, 'cached', { title: 'Again', body: 'x', tags: [] })).rejects.toMatchObject({ kind: 'forbidden' })
    await domain.moderation.liftBan(owner.actor, 'cached', ann.id)
    await domain.posts.create(ann.actor, 'cached', { title: 'Back', body: 'x', tags: [] })
    await domain.communities.removeMember(owner.actor, 'cached', ann.id)
    await expect(domain.posts.create(ann.actor, 'cached', { title: 'Gone', body: 'x', tags: [] })).rejects.toMatchObject({ kind: 'not_found' })
    expect(domain.publisher.waiters.listening).toBe(true)
  })
})

describe('the community access cache, should the applied stream stop', () => {
  it('keeps nothing longer than its age limit, by its own clock', async () => {
    let now = 0
    const cache = new CommunityAccessCache(() => true, 10, 5_000, () => now)
    const role = counted<string | null>('member')
    await cache.role('c1', 'u1', role)
    now = 5_000
    await cache.role('c1', 'u1', role)
    expect(role.calls).toBe(1)
    now = 5_001
    role.value = null
    expect(await cache.role('c1', 'u1', role)).toBeNull()
    expect(role.calls).toBe(2)
  })
})
