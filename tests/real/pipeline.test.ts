import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ports } from '../../core/ports'
import type { Domain } from '../../core/domain'
import { postKey } from '../../core/domain/feed-cache'
import { runConsumer } from '../../core/pipeline/consumer'
import { eventLog } from '../../core/pipeline/event-log'
import { newEvent } from '../../core/pipeline/events'
import { POSTS_INDEX } from '../../core/domain/posts-model'
import { rebuildViews, toCloudEvent } from '../../core/pipeline/rebuild'
import { dlqOf, topicOf } from '../../shared/schemas/events'
import { eventually } from '../contract/suites/wait'
import { WorkerProcess, closeStack, openStack, stackSpace } from './stack'

// Delivery guarantees on Kafka, FerretDB, Redis and Elasticsearch, with the worker as a separate
// process. The run keeps to its own topics, consumer groups, database and indices.
const space = stackSpace('t', 'pipeline')
const { env, ns } = space
const worker = new WorkerProcess(space)
const BURST = Number(process.env.C18N_BURST ?? 5000)

let ports: Ports
let domain: Domain
let redis: Redis
const actors: Record<string, { id: string, role: 'user' }> = {}
let communityId = ''
const slug = 'pipeline-harbour'

/** Everything the pipeline made of these posts: store, cache and index, for comparing. */
async function views(postIds: string[]) {
  const cached = postIds.length ? await redis.mget(...postIds.map(postKey)) : []
  await ports.search.refresh(POSTS_INDEX)
  const indexed = await ports.search.search<{ title: string }>(POSTS_INDEX, { filters: { communityId }, size: 10_000, sort: { field: 'createdAt', order: 'asc' } })
  return {
    cached: cached.map(v => (v ? JSON.parse(v) : null)),
    feed: await ports.cache.zRevRangeWithScores(`feed:${communityId}`, 0, -1),
    indexed: indexed.hits.map(h => ({ id: h.id, source: h.source })).sort((a, b) => a.id.localeCompare(b.id)),
    indexedTotal: indexed.total,
  }
}

beforeAll(async () => {
  ({ ports, domain } = await openStack(space))
  redis = new Redis(env.REDIS_URL)
  await worker.start()
  for (const handle of ['ann', 'ben', 'cat']) actors[handle] = { id: (await domain.users.create({ handle, displayName: handle.toUpperCase() })).id, role: 'user' }
  communityId = (await domain.communities.create(actors.ann!, { name: 'Pipeline harbour', slug, description: '', topics: [], visibility: 'public', postsNeedApproval: false })).id
  await domain.communities.join(actors.ben!, slug)
  await domain.communities.join(actors.cat!, slug)
}, 180_000)

afterAll(async () => {
  await worker.stop()
  redis?.disconnect()
  await closeStack(ports)
})

describe('the event pipeline on the real stack', () => {
  it('applies an event delivered twice only once', async () => {
    const post = await domain.posts.create(actors.ann!, slug, { title: 'Twice told', body: 'hello @ben', tags: [] })
    const record = (await eventLog(ports.store).find({ 'type': 'c18n.post.created', 'data.id': post.id }))[0]!
    await ports.bus.publish(topicOf('posts'), [{ key: communityId, value: JSON.stringify(toCloudEvent(record)) }])
    // A later event of the same key comes after the duplicate in every consumer group.
    const marker = await domain.posts.create(actors.ben!, slug, { title: 'Marker', body: 'after the duplicate', tags: [] })
    await eventually(async () => {
      expect(await redis.exists(postKey(marker.id))).toBe(1)
      expect((await ports.store.collection('notifications').count({ postId: marker.id })) >= 2).toBe(true)
      await ports.search.refresh(POSTS_INDEX)
      expect((await ports.search.search(POSTS_INDEX, { text: 'Marker', filters: { communityId } })).total).toBe(1)
    }, 60_000, 200)
    expect(await ports.store.collection('post_versions').count({ postId: post.id })).toBe(1)
    expect(await eventLog(ports.store).count({ _id: record._id })).toBe(1)
    // Ben is mentioned (one mention, no new-post notice); Cat hears of a new post.
    expect(await ports.store.collection('notifications').count({ postId: post.id, type: 'new_post' })).toBe(1)
    expect(await ports.store.collection('notifications').count({ postId: post.id, type: 'mention' })).toBe(1)
    expect((await ports.search.search(POSTS_INDEX, { text: 'Twice told', filters: { communityId } })).total).toBe(1)
  }, 120_000)

  it('sends malformed and invalid events to the dead-letter topic and carries on', async () => {
    await ports.bus.publish(topicOf('posts'), [
      { key: communityId, value: 'not json {' },
      { key: communityId, value: JSON.stringify(newEvent('posts', 'post.edited', 'x', communityId, { id: { $gt: '' }, title: 'x', body: 'x', tags: [] }).event) },
    ])
    const after = await domain.posts.create(actors.cat!, slug, { title: 'Still flowing', body: 'after poison', tags: [] })
    expect(after.title).toBe('Still flowing')
    const letters: Array<{ group: string, error: string }> = []
    const sub = await ports.bus.subscribe({ groupId: `${ns}-dlq-reader`, topics: [dlqOf(topicOf('posts'))], fromBeginning: true }, async (m) => { letters.push(JSON.parse(m.value)) })
    await eventually(() => expect(letters.filter(l => l.group === `${ns}.persister`)).toHaveLength(2), 60_000, 200)
    await sub.stop()
    expect(letters.find(l => l.group === `${ns}.persister` && /malformed/.test(l.error))).toBeTruthy()
    expect(await ports.store.collection('posts').count({ _id: after.id })).toBe(1)
  }, 120_000)

  it('dead-letters an event whose handler keeps failing, after its attempts, and moves on', async () => {
    const topic = `${ns}.flaky`
    await ports.bus.ensureTopics([{ name: topic, partitions: 1 }, { name: dlqOf(topic), partitions: 1 }])
    const handled: string[] = []
    const sub = await runConsumer(ports.bus, {
      group: `${ns}-flaky`, topics: [topic],
      handle: async (event) => {
        if (event.data.id === 'bad') throw new Error('this handler always fails')
        handled.push(String(event.data.id))
      },
    })
    const bad = newEvent('posts', 'post.deleted', 'bad', 'k', { id: 'bad', deletedBy: 'someone' }).event
    const good = newEvent('posts', 'post.deleted', 'good', 'k', { id: 'good', deletedBy: 'someone' }).event
    await ports.bus.publish(topic, [{ key: 'k', value: JSON.stringify(bad) }, { key: 'k', value: JSON.stringify(good) }])
    await eventually(() => expect(handled).toEqual(['good']), 60_000, 200)
    await sub.stop()
    const letters: Array<{ error: string, attempts: number }> = []
    const reader = await ports.bus.subscribe({ groupId: `${ns}-flaky-dlq`, topics: [dlqOf(topic)], fromBeginning: true }, async (m) => { letters.push(JSON.parse(m.value)) })
    await eventually(() => expect(letters).toHaveLength(1), 30_000, 200)
    await reader.stop()
    expect(letters[0]).toMatchObject({ error: 'this handler always fails', attempts: 5 })
  }, 120_000)

  it(`persists, caches and indexes every one of ${BURST} events exactly once across a SIGKILL of the worker`, async () => {
    const events = Array.from({ length: BURST }, (_, i) => {
      const author = Object.values(actors)[i % 3]!
      const id = `burst${i.toString().padStart(6, '0')}${ns.slice(-6)}`
      return newEvent('posts', 'post.created', id, communityId, { id, communityId, authorId: author.id, parentId: null, rootId: id, title: `Burst post ${i}`, body: `number ${i}`, tags: ['burst'] }, author.id)
    })
    for (let i = 0; i < events.length; i += 500) {
      await ports.bus.publish(topicOf('posts'), events.slice(i, i + 500).map(p => ({ key: p.key, value: JSON.stringify(p.event) })))
    }
    const ids = events.map(e => String(e.event.data.id))
    await eventually(async () => expect(await eventLog(ports.store).count({ _id: { $in: events.slice(0, 300).map(e => e.event.id) } })).toBeGreaterThan(100), 120_000, 100)
    await worker.stop('SIGKILL')
    const persistedAtKill = await ports.store.collection('posts').count({ title: { $gte: 'Burst' }, communityId })
    expect(persistedAtKill).toBeLessThan(BURST)
    await worker.start()

    await eventually(async () => {
      expect(await ports.store.collection('posts').count({ communityId, tags: 'burst' })).toBe(BURST)
      const cached = await redis.mget(...ids.map(postKey))
      expect(cached.filter(Boolean)).toHaveLength(BURST)
      await ports.search.refresh(POSTS_INDEX)
      expect((await ports.search.search(POSTS_INDEX, { filters: { communityId, tags: 'burst' }, size: 0 })).total).toBe(BURST)
      expect(await ports.store.collection('notifications').count({ communityId, type: 'new_post', postId: { $in: ids.slice(-50) } })).toBe(100)
    }, 600_000, 2000)
    // Exactly once: one version, one log record, one notification per member and post.
    expect(await ports.store.collection('post_versions').count({ postId: { $in: ids } })).toBe(BURST)
    expect(await eventLog(ports.store).count({ _id: { $in: events.map(e => e.event.id) } })).toBe(BURST)
    expect(await ports.store.collection('notifications').count({ communityId, type: 'new_post', postId: { $in: ids } })).toBe(BURST * 2)
  }, 900_000)

  it('rebuilds the cache and search views from the event log to exactly the live ones', async () => {
    await worker.stop('SIGTERM')
    const postIds = (await ports.store.collection('posts').find({ communityId })).map(p => p._id)
    const live = await views(postIds)
    expect(live.indexedTotal).toBe(postIds.length)
    await rebuildViews(ports, () => domain.setup())
    const rebuilt = await views(postIds)
    expect(rebuilt.cached).toEqual(live.cached)
    expect(rebuilt.feed).toEqual(live.feed)
    expect(rebuilt.indexed).toEqual(live.indexed)
  }, 900_000)
})
