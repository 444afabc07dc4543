import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ports } from '../../core/ports'
import type { Domain } from '../../core/domain'
import { feedKey, postKey } from '../../core/domain/feed-cache'
import { eventLog } from '../../core/pipeline/event-log'
import { POSTS_INDEX } from '../../core/domain/posts-model'
import { eventually } from '../contract/suites/wait'
import { WorkerProcess, closeStack, openStack, stackSpace } from './stack'

// Moderation on Kafka, FerretDB, Redis and Elasticsearch, the flagger running in the worker
// process as its own consumer group. The run keeps to its own topics, database and indices.
const space = stackSpace('m', 'moderation')
const { env, ns } = space
const worker = new WorkerProcess(space)

let ports: Ports
let domain: Domain
let redis: Redis
const actors: Record<string, { id: string, role: 'user' }> = {}
const gated = 'moderated-harbour'
const open = 'open-harbour'

const notifications = (query: Record<string, string>) => ports.store.collection<{ _id: string, type: string, userId: string, text: string }>('notifications').find(query)
const feedMembers = async (communityId: string) => (await ports.cache.zRevRangeWithScores(feedKey(communityId), 0, -1)).map(e => e.member)
async function indexed(communityId: string, text: string) {
  await ports.search.refresh(POSTS_INDEX)
  return (await ports.search.search(POSTS_INDEX, { text, filters: { communityId } })).hits.map(h => h.id)
}

/**
 * A moderator's post (published at once) after the events under test, in the same community so
 * on the same partition: once the cacher, the indexer and the notifier show it, they are past them.
 */
async function passedBy(slug: string) {
  const marker = await domain.posts.create(actors.mod!, slug, { title: 'Marker', body: 'after the post under test', tags: [] })
  await eventually(async () => {
    expect(await feedMembers(marker.communityId)).toContain(marker.id)
    expect(await indexed(marker.communityId, 'marker')).toContain(marker.id)
    expect(await notifications({ postId: marker.id, userId: actors.cat!.id })).not.toEqual([])
  }, 30_000, 200)
}

beforeAll(async () => {
  ({ ports, domain } = await openStack(space))
  redis = new Redis(env.REDIS_URL)
  await worker.start()
  for (const handle of ['owner', 'mod', 'ben', 'cat', 'dan']) actors[handle] = { id: (await domain.users.create({ handle, displayName: handle.toUpperCase() })).id, role: 'user' }
  for (const [slug, postsNeedApproval] of [[gated, true], [open, false]] as const) {
    await domain.communities.create(actors.owner!, { name: slug, slug, description: '', topics: [], visibility: 'public', postsNeedApproval })
    for (const who of ['mod', 'ben', 'cat', 'dan']) await domain.communities.join(actors[who]!, slug)
    await domain.communities.changeRole(actors.owner!, slug, actors.mod!.id, 'moderator')
  }
}, 180_000)

afterAll(async () => {
  await worker.stop()
  redis?.disconnect()
  await closeStack(ports)
})

describe('moderation on the real stack', () => {
  it('runs the flagger as its own consumer group in the worker', async () => {
    const health = await (await fetch(worker.healthUrl)).json() as { consumers: string[] }
    expect(health.consumers).toContain(`${ns}.flagger`)
  })

  it('holds a pending post out of the feed cache, the index and members\' notifications until approved', async () => {
    const post = await domain.posts.create(actors.ben!, gated, { title: 'Pending pelicans', body: 'awaiting @cat', tags: [] })
    expect(post.moderation).toBe('pending')
    await eventually(async () => expect((await notifications({ postId: post.id, type: 'moderation' })).map(n => n.userId).sort()).toEqual([actors.owner!.id, actors.mod!.id].sort()), 30_000, 200)
    await passedBy(gated)
    expect(await feedMembers(post.communityId)).not.toContain(post.id)
    expect(await indexed(post.communityId, 'pelicans')).toEqual([])
    expect(await notifications({ postId: post.id, userId: actors.cat!.id })).toEqual([])
    await expect(domain.posts.get(actors.dan!, post.id)).rejects.toMatchObject({ kind: 'not_found' })

    const approved = await domain.moderation.approve(actors.mod!, post.id)
    expect(approved).toMatchObject({ moderation: 'published', version: 2 })
    await eventually(async () => {
      expect(await feedMembers(post.communityId)).toContain(post.id)
      expect(await indexed(post.communityId, 'pelicans')).toEqual([post.id])
      expect((await notifications({ postId: post.id, userId: actors.cat!.id })).map(n => n.type)).toEqual(['mention'])
      expect((await notifications({ postId: post.id, userId: actors.dan!.id })).map(n => n.type)).toEqual(['new_post'])
      expect((await notifications({ postId: post.id, userId: actors.ben!.id })).map(n => n.type)).toEqual(['decision'])
    }, 30_000, 200)
    expect(JSON.parse((await redis.get(postKey(post.id)))!)).toMatchObject({ moderation: 'published', held: false })
    expect(await eventLog(ports.store).count({ type: 'c18n.post.approved', subject: post.id, actorid: actors.mod!.id })).toBe(1)
  }, 60_000)

  it('flags an abusive post within seconds and takes it out of the feed cache and the index', async () => {
    const started = Date.now()
    const post = await domain.posts.create(actors.ben!, open, { title: 'Gulls again', body: 'these gulls are fuuuucking loud', tags: [] })
    await eventually(async () => expect((await domain.posts.get(actors.ben!, post.id)).moderation).toBe('hidden'), 10_000, 50)
    const latency = Date.now() - started
    console.info(`[moderation] abusive post hidden ${latency} ms after it was posted`)
    expect(latency).toBeLessThan(5000)
    await passedBy(open)
    expect(await feedMembers(post.communityId)).not.toContain(post.id)
    expect(await indexed(post.communityId, 'gulls')).toEqual([])
    await expect(domain.posts.get(actors.cat!, post.id)).rejects.toMatchObject({ kind: 'not_found' })
    const [item] = (await domain.moderation.queue(actors.mod!, open, { limit: 10 })).items
    expect(item).toMatchObject({ kind: 'flag', post: { id: post.id }, reasons: [{ source: 'content', detail: 'profanity (fuck)' }] })
    await domain.moderation.remove(actors.mod!, post.id, 'Language')
    await eventually(async () => expect((await notifications({ postId: post.id, userId: actors.ben!.id })).map(n => n.text)).toEqual([expect.stringMatching(/removed by a moderator: Language/)]), 30_000, 200)
  }, 60_000)

  it('flags a post on report reactions and on a member\'s report, queued when the community says so', async () => {
    await domain.moderation.updateSettings(actors.owner!, open, { flaggedAction: 'queue', reportThreshold: 2 })
    const post = await domain.posts.create(actors.ben!, open, { title: 'Tide tables', body: 'copied from the almanac', tags: [] })
    await domain.posts.react(actors.cat!, post.id, 'report')
    await domain.posts.react(actors.dan!, post.id, 'report')
    await domain.moderation.report(actors.cat!, post.id, 'Copyright')
    await eventually(async () => {
      const item = (await domain.moderation.queue(actors.mod!, open, { limit: 10 })).items.find(i => i.post.id === post.id)
      expect(item?.reasons.map(r => r.source).sort()).toEqual(['reactions', 'report'])
    }, 30_000, 200)
    expect((await domain.posts.get(actors.dan!, post.id)).moderation).toBe('published')
    expect(await feedMembers(post.communityId)).toContain(post.id)
    expect((await domain.moderation.dismiss(actors.mod!, post.id, 'Public data')).moderation).toBe('published')
    expect((await domain.moderation.queue(actors.mod!, open, { limit: 10 })).items.map(i => i.post.id)).not.toContain(post.id)
  }, 60_000)

  it('keeps a muted member from posting, replying and reacting', async () => {
    const post = await domain.posts.create(actors.cat!, open, { title: 'Calm evening', body: 'all quiet', tags: [] })
    await domain.moderation.ban(actors.mod!, open, { userId: actors.dan!.id, mode: 'mute', until: new Date(Date.now() + 3_600_000).toISOString(), reason: 'Cool off' })
    await expect(domain.posts.create(actors.dan!, open, { title: 'Muted', body: 'x', tags: [] })).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.posts.reply(actors.dan!, post.id, { body: 'x' })).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.posts.react(actors.dan!, post.id, 'like')).rejects.toMatchObject({ kind: 'forbidden' })
    expect((await domain.posts.create(actors.dan!, gated, { title: 'Elsewhere', body: 'still allowed', tags: [] })).moderation).toBe('pending')
  }, 60_000)
})
