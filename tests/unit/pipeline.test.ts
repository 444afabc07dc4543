import { describe, expect, it } from 'vitest'
import { eventLog } from '../../core/pipeline/event-log'
import { newEvent } from '../../core/pipeline/events'
import { persist } from '../../core/pipeline/persister'
import { postKey } from '../../core/domain/feed-cache'
import { POSTS_INDEX } from '../../core/domain/posts-model'
import { rebuildViews, toCloudEvent } from '../../core/pipeline/rebuild'
import { eventually } from '../contract/suites/wait'
import { freshDomain } from './helpers'

describe('the event pipeline, embedded', () => {
  it('records every write as an immutable event and applies a repeated event once', async () => {
    const { domain, make } = await freshDomain()
    const ann = await make('ann')
    await domain.communities.create(ann.actor, { name: 'Quay', slug: 'quay', description: '', topics: [], visibility: 'public', postsNeedApproval: false })
    const post = await domain.posts.create(ann.actor, 'quay', { title: 'Once', body: 'only once', tags: [] })
    // Answered at Kafka's ack: its record is in the log once the persister's outcome has come back.
    await domain.publisher.settled(ann.id)
    const record = (await eventLog(domain.ports.store).find({ type: 'c18n.post.created' }))[0]!
    expect(record).toMatchObject({ status: 'applied', subject: post.id, actorid: ann.id, topic: 'c18n.posts' })
    await persist(domain.ports.store, 'c18n.posts', toCloudEvent(record))
    await domain.ports.store.collection('events').deleteOne({ _id: record._id })
    await persist(domain.ports.store, 'c18n.posts', toCloudEvent(record))
    expect(await domain.ports.store.collection('post_versions').count({ postId: post.id })).toBe(1)
    expect((await domain.posts.get(ann.actor, post.id)).version).toBe(1)
  })

  it('rebuilds the cache and search views to what the live consumers made', async () => {
    const { domain, make } = await freshDomain()
    const [ann, ben] = [await make('ann'), await make('ben')]
    await domain.communities.create(ann.actor, { name: 'Quay', slug: 'quay', description: '', topics: [], visibility: 'public', postsNeedApproval: false })
    await domain.communities.join(ben.actor, 'quay')
    const first = await domain.posts.create(ann.actor, 'quay', { title: 'First light', body: 'morning', tags: ['dawn'] })
    await domain.posts.reply(ben.actor, first.id, { body: 'lovely' })
    await domain.posts.react(ben.actor, first.id, 'love')
    const second = await domain.posts.create(ben.actor, 'quay', { title: 'Second thoughts', body: 'evening', tags: [] })
    await domain.posts.edit(ben.actor, second.id, { body: 'late evening' })
    // The live views are complete once the last write of each topic shows: the edit (posts: cacher
    // and indexer) and the reaction (reactions: cacher).
    await eventually(async () => {
      const cachedFirst = JSON.parse(await domain.ports.cache.get(postKey(first.id)) ?? '{}') as { replyCount?: number, reactionCounts?: Record<string, number> }
      expect(cachedFirst).toMatchObject({ replyCount: 1, reactionCounts: { love: 1 } })
      await domain.ports.search.refresh(POSTS_INDEX)
      const indexed = (await domain.ports.search.search<{ body: string }>(POSTS_INDEX, { size: 100 })).hits
      expect(indexed.find(h => h.id === second.id)?.source.body).toBe('late evening')
      expect(indexed).toHaveLength(3)
    })
    const snapshot = async () => ({
      cache: Object.fromEntries(await Promise.all((await domain.ports.cache.keys('post:*')).sort().map(async k => [k, await domain.ports.cache.get(k)]))),
      feed: await domain.ports.cache.zRevRangeWithScores(`feed:${first.communityId}`, 0, -1),
      search: (await domain.ports.search.search(POSTS_INDEX, { size: 100, sort: { field: 'createdAt', order: 'asc' } })).hits.map(h => [h.id, h.source]),
    })
    const live = await snapshot()
    expect(live.search).toHaveLength(3)
    expect(live.feed.map(f => f.member)).toEqual([second.id, first.id])
    await rebuildViews(domain.ports, () => domain.setup())
    expect(await snapshot()).toEqual(live)
  })

  it('replays a burst that shares one millisecond, however many events it holds', async () => {
    const { domain, make } = await freshDomain()
    const ann = await make('ann')
    const quay = await domain.communities.create(ann.actor, { name: 'Quay', slug: 'quay', description: '', topics: [], visibility: 'public', postsNeedApproval: false })
    const time = new Date().toISOString()
    const ids = Array.from({ length: 1200 }, (_, i) => `same${String(i).padStart(5, '0')}`)
    for (const id of ids) {
      const { event } = newEvent('posts', 'post.created', id, quay.id, { id, communityId: quay.id, authorId: ann.id, parentId: null, rootId: id, title: id, body: id, tags: [] }, ann.id)
      await persist(domain.ports.store, 'c18n.posts', { ...event, time })
    }
    await rebuildViews(domain.ports, () => domain.setup())
    const cached = await Promise.all(ids.map(id => domain.ports.cache.get(postKey(id))))
    expect(cached.filter(Boolean)).toHaveLength(ids.length)
  }, 30_000) // 1,200 persisted events: over the default 5 s on a loaded machine, in either version of this suite
})
