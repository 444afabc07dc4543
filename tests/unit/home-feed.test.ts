import { describe, expect, it, vi } from 'vitest'
import { freshDomain } from './helpers'
import { HomeList } from '../../core/domain/home-list'

describe('the home feed fanned out on write', () => {
  it('is read from the person\'s list once seeded, the consumer adds new posts to it, and reads still decide what shows', async () => {
    const { domain, make } = await freshDomain()
    const ann = await make('ann-home')
    const bob = await make('bob-home')
    await domain.communities.create(bob.actor, { name: 'Bob\'s yard', slug: 'bobs-yard', description: '', topics: [], visibility: 'public', postsNeedApproval: false })
    await domain.communities.create(bob.actor, { name: 'Other yard', slug: 'other-yard', description: '', topics: [], visibility: 'public', postsNeedApproval: false })
    await domain.connections.follow(ann.actor, 'bob-home')
    const lists = new HomeList(domain.ports.cache)
    expect(await lists.ids(ann.id, null)).toBeNull()

    // The first read answers from the store and seeds the list.
    expect((await domain.home.page(ann.actor, { limit: 10 })).items).toEqual([])
    expect(await lists.ids(ann.id, null)).toEqual({ ids: [], end: true })

    const post = await domain.posts.create(bob.actor, 'bobs-yard', { title: 'Fresh paint', body: 'Do not touch', tags: [] })
    await vi.waitFor(async () => expect((await lists.ids(ann.id, null))?.ids).toEqual([post.id]), { timeout: 5000, interval: 20 })
    expect((await domain.home.page(ann.actor, { limit: 10 })).items.map(p => p.id)).toEqual([post.id])

    // Deleted, it stays in the list but not in the feed.
    await domain.posts.remove(bob.actor, post.id)
    expect((await lists.ids(ann.id, null))?.ids).toEqual([post.id])
    expect((await domain.home.page(ann.actor, { limit: 10 })).items).toEqual([])

    // Joining a community can bring older posts in: the list is not trusted until seeded again.
    await domain.communities.join(ann.actor, 'other-yard')
    expect(await lists.ids(ann.id, null)).toBeNull()
    await domain.home.page(ann.actor, { limit: 10 })
    expect(await lists.ids(ann.id, null)).not.toBeNull()
  })
})
