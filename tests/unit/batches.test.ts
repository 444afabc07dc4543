import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EmbeddedEventBus } from '../../adapters/embedded/event-bus'
import type { DeliveredMessage, Filter } from '../../core/ports'
import { type Applied, appliedOf } from '../../core/pipeline/applied'
import { MAX_ATTEMPTS, runConsumer } from '../../core/pipeline/consumer'
import { eventLog } from '../../core/pipeline/event-log'
import { newEvent } from '../../core/pipeline/events'
import { persistBatch } from '../../core/pipeline/persister'
import { findByIds, freshDocs } from '../../core/pipeline/fresh-docs'
import { dlqOf } from '../../shared/schemas/events'
import { eventually } from '../contract/suites/wait'
import { LiveLog } from '../../core/realtime/live-log'
import { freshDomain } from './helpers'

const bus = new EmbeddedEventBus(join(mkdtempSync(join(tmpdir(), 'c18n-batches-')), 'bus.sqlite'))
afterAll(async () => { await bus.close() })

const deleted = (id: string) => newEvent('posts', 'post.deleted', id, 'k', { id, deletedBy: 'someone' }).event

describe('batched consumers', () => {
  it('hands a job its events in batches and dead-letters a poison event after its attempts, handling the rest once', async () => {
    const topic = 'batches.poison'
    await bus.ensureTopics([{ name: topic, partitions: 1 }, { name: dlqOf(topic), partitions: 1 }])
    const events = ['a', 'b', 'bad', 'c', 'd'].map(deleted)
    const sizes: number[] = []
    const handled: string[] = []
    let badAttempts = 0
    const sub = await runConsumer(bus, {
      group: 'batches-poison', topics: [topic],
      handleBatch: async (deliveries) => {
        sizes.push(deliveries.length)
        if (deliveries.some(d => d.event.data.id === 'bad')) {
          badAttempts++
          throw new Error('poison')
        }
        handled.push(...deliveries.map(d => String(d.event.data.id)))
      },
    })
    await bus.publish(topic, [...events.map(e => ({ key: 'k', value: JSON.stringify(e) })), { key: 'k', value: 'not json' }])
    const letters: DeliveredMessage[] = []
    const reader = await bus.subscribe({ groupId: 'batches-poison-dlq', topics: [dlqOf(topic)], fromBeginning: true }, async (m) => { letters.push(m) })
    await eventually(() => expect(letters).toHaveLength(2), 20_000, 50)
    await eventually(() => expect(handled).toContain('d'), 20_000, 50)
    await sub.stop()
    await reader.stop()
    // The first delivery was one batch; its retries went event by event.
    expect(sizes[0]).toBe(5)
    expect(Math.max(...sizes.slice(1))).toBe(1)
    expect(badAttempts).toBe(1 + MAX_ATTEMPTS)
    expect(letters.map(l => JSON.parse(l.value).error).sort()).toEqual([expect.stringMatching(/^malformed event/), 'poison'])
    // Before the poison event, a and b were applied again on each retry (idempotent effects); after it, once.
    expect(handled.filter(id => id === 'c' || id === 'd')).toEqual(['c', 'd'])
  })

  it('publishes what the persister applied, for events it had recorded before too, and records each once', async () => {
    const { domain, make } = await freshDomain()
    const ann = await make('ann')
    const community = await domain.communities.create(ann.actor, { name: 'Quay', slug: 'quay', description: '', topics: [], visibility: 'public', postsNeedApproval: false })
    const posts = ['p1', 'p2'].map(id => newEvent('posts', 'post.created', id, community.id, { id, communityId: community.id, authorId: ann.id, parentId: null, rootId: id, title: `Post ${id}`, body: 'in a batch', tags: [] }, ann.id).event)
    const edit = newEvent('posts', 'post.edited', 'missing', community.id, { id: 'missing', title: 'x', body: 'x', tags: [] }, ann.id).event
    const topic = 'batches.source'
    const deliveries = [...posts, edit].map((event, i) => ({ event, message: { topic, partition: 0, offset: String(i), key: community.id, value: JSON.stringify(event), timestamp: Date.now() } }))
    const seen: Applied[] = []
    const sub = await domain.ports.bus.subscribeBatch({ groupId: 'batches-applied', topics: [appliedOf(topic)], fromBeginning: true }, async (messages) => {
      seen.push(...messages.map(m => JSON.parse(m.value) as Applied))
    })
    await persistBatch(domain.ports, deliveries)
    await persistBatch(domain.ports, deliveries)
    await eventually(() => expect(seen).toHaveLength(6), 10_000, 50)
    await sub.stop()
    for (const round of [seen.slice(0, 3), seen.slice(3)]) {
      expect(round.map(a => [a.event.id, a.status])).toEqual([[posts[0]!.id, 'applied'], [posts[1]!.id, 'applied'], [edit.id, 'rejected']])
    }
    // The new post travels with the stream; the second round found the records and applied nothing again.
    expect(seen[0]!.doc).toMatchObject({ _id: 'p1', title: 'Post p1', moderation: 'published' })
    expect(await eventLog(domain.ports.store).count({ _id: { $in: [...posts, edit].map(e => e.id) } })).toBe(3)
    expect(await domain.ports.store.collection('post_versions').count({ postId: { $in: ['p1', 'p2'] } })).toBe(2)
  })

  it('puts a new post on the live stream of its community from the applied stream, as the page shows it and with its standing', async () => {
    const { domain, make } = await freshDomain()
    const ann = await make('ann')
    const community = await domain.communities.create(ann.actor, { name: 'Quay', slug: 'quay', description: '', topics: [], visibility: 'public', postsNeedApproval: false })
    const post = await domain.posts.create(ann.actor, 'quay', { title: 'Live', body: 'straight from the stream', tags: ['now'] })
    const live = new LiveLog(domain.ports.cache)
    await eventually(async () => expect((await live.since(`posts:${community.id}`, 0)).events.map(e => e.kind)).toContain('post.created'), 10_000, 50)
    const frame = (await live.since(`posts:${community.id}`, 0)).events.find(e => e.kind === 'post.created')!
    expect(frame.payload).toMatchObject({ id: post.id, title: 'Live', body: 'straight from the stream', tags: ['now'], kind: 'post', moderation: 'published', communityId: community.id, author: { handle: 'ann' } })
  })
})

describe('documents at hand on the applied stream', () => {
  const delivery = (type: string, data: Record<string, unknown>, outcome?: Omit<Applied, 'event'>) => ({
    event: newEvent('posts', type, String(data.id ?? data.postId), 'k', data).event,
    message: { topic: 'x.applied', partition: 0, offset: '0', key: 'k', value: '' } as DeliveredMessage,
    ...(outcome ? { outcome } : {}),
  })
  const created = (id: string, doc = true) => delivery('post.created', { id }, { status: 'applied', ...(doc ? { doc: { _id: id, title: `post ${id}` } } : {}) })

  it('are the documents the persister created, unless a later event of the batch touches them or it sent none', () => {
    const docs = freshDocs([
      created('p1'),
      created('p2'),
      delivery('post.edited', { id: 'p2' }, { status: 'applied' }),
      created('p3'),
      delivery('reaction.added', { postId: 'p3', userId: 'u' }, { status: 'applied' }),
      created('p4', false),
      delivery('post.created', { id: 'p5' }, { status: 'rejected', reason: 'no', doc: { _id: 'p5' } }),
    ])
    expect([...docs.posts.keys()]).toEqual(['p1'])
    expect(docs.messages.size).toBe(0)
  })

  it('are used as they are, and only the others are read', async () => {
    const { domain } = await freshDomain()
    const posts = domain.ports.store.collection<{ _id: string, title: string }>('posts')
    await posts.insertMissing([{ _id: 'stored', title: 'from the store' }])
    const reads: unknown[] = []
    const counting = { ...posts, find: (filter: Filter) => {
      reads.push(filter)
      return posts.find(filter)
    } } as typeof posts
    const found = await findByIds(counting, ['hand', 'stored', 'hand'], new Map([['hand', { _id: 'hand', title: 'at hand' }]]))
    expect(found.map(d => d.title).sort()).toEqual(['at hand', 'from the store'])
    expect(reads).toEqual([{ _id: { $in: ['stored'] } }])
    expect(await findByIds(counting, ['hand'], new Map([['hand', { _id: 'hand', title: 'at hand' }]]))).toHaveLength(1)
    expect(reads).toHaveLength(1)
  })
})
