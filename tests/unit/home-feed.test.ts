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

  it('reads an author with very many followers on demand and merges their posts into the list\'s page', async () => {
    process.env.C18N_HOME_WIDE_FOLLOWERS = '0'
    try {
      const { domain, make } = await freshDomain()
      const ann = await make('ann-wide')
      const bob = await make('bob-wide')
      const cy = await make('cy-wide')
      await domain.communities.create(bob.actor, { name: 'Stage', slug: 'wide-stage', description: '', topics: [], visibility: 'public', postsNeedApproval: false })
      await domain.communities.create(cy.actor, { name: 'Porch', slug: 'wide-porch', description: '', topics: [], visibility: 'public', postsNeedApproval: false })
      await domain.communities.join(ann.actor, 'wide-porch')
      await domain.connections.follow(ann.actor, 'bob-wide')
      await domain.home.page(ann.actor, { limit: 10 })
      const lists = new HomeList(domain.ports.cache)
      const byBob = await domain.posts.create(bob.actor, 'wide-stage', { title: 'To my many followers', body: 'Hello', tags: [] })
      const byCy = await domain.posts.create(cy.actor, 'wide-porch', { title: 'On the porch', body: 'Hi', tags: [] })
      // Cy's post (a community ann is in) reaches her list; bob, followed too widely, is not fanned out to her.
      await vi.waitFor(async () => expect((await lists.ids(ann.id, null))?.ids).toEqual([byCy.id]), { timeout: 5000, interval: 20 })
      expect(await lists.wide([bob.id])).toEqual([bob.id])
      const first = await domain.home.page(ann.actor, { limit: 1 })
      expect(first.items.map(p => p.id)).toEqual([byCy.id])
      const second = await domain.home.page(ann.actor, { limit: 1, cursor: first.nextCursor! })
      expect(second.items.map(p => p.id)).toEqual([byBob.id])
      expect((await domain.home.page(ann.actor, { limit: 10 })).items.map(p => p.id)).toEqual([byCy.id, byBob.id])
    }
    finally {
      delete process.env.C18N_HOME_WIDE_FOLLOWERS
    }
  })
})
