import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ports, Subscription } from '../../core/ports'
import type { Domain } from '../../core/domain'
import { runConsumer } from '../../core/pipeline/consumer'
import { graphFromLog } from '../../core/suggestions/graph'
import type { Suggestions } from '../../core/suggestions/recommend'
import { Suggester, suggesterJob, suggesterTopics, suggestionsKey } from '../../core/suggestions/suggester'
import { caughtUp, socialActivity } from '../support/social-activity'
import { eventually } from '../contract/suites/wait'
import { WorkerProcess, closeStack, openStack, stackSpace } from './stack'

// The suggester on Kafka, FerretDB and Redis, with the worker as a separate process (which runs
// the persister and its own suggester) and two suggesters in this process to compare graphs.
const space = stackSpace('s', 'suggestions')
const { env, ns } = space
const worker = new WorkerProcess(space)

let ports: Ports
let domain: Domain
let redis: Redis
const subscriptions: Subscription[] = []
const userIds: string[] = []

const cachedFor = async (userId: string) => JSON.parse((await redis.get(suggestionsKey(userId))) ?? 'null') as Suggestions | null

beforeAll(async () => {
  ({ ports, domain } = await openStack(space))
  redis = new Redis(env.REDIS_URL)
  await worker.start()
}, 180_000)

afterAll(async () => {
  await Promise.all(subscriptions.map(s => s.stop()))
  await worker.stop()
  if (userIds.length) await redis?.del(...userIds.map(suggestionsKey))
  redis?.disconnect()
  await closeStack(ports)
})

describe('suggestions on the real stack', () => {
  it('keep the graph from the Kafka stream equal to the graph rebuilt from the event log, and serve suggestions from Redis', async () => {
    const early = new Suggester(ports)
    subscriptions.push(await runConsumer(ports.bus, suggesterJob(early, `${ns}.test-early`, suggesterTopics())))
    const zed = await domain.users.create({ handle: 'real-zed', displayName: 'Zed', interests: ['film'] })
    await domain.communities.create({ id: zed.id, role: 'user' }, { name: 'Early birds', slug: 'real-early', description: '', topics: ['chess'], visibility: 'public', postsNeedApproval: false })
    // Started halfway: loads the log so far, then follows the stream from its end.
    const late = new Suggester(ports)
    subscriptions.push(await runConsumer(ports.bus, suggesterJob(late, `${ns}.test-late`, suggesterTopics())))
    const { ann, ben, cat, dan } = await socialActivity(domain, 'real')
    userIds.push(ann.id, ben.id, cat.id, dan.id, zed.id)
    await eventually(async () => expect(await caughtUp(early, ports.store) && await caughtUp(late, ports.store)).toBe(true), 120_000, 250)
    const rebuilt = (await graphFromLog(ports.store)).snapshot()
    expect(early.social.snapshot()).toEqual(rebuilt)
    expect(late.social.snapshot()).toEqual(rebuilt)
    await Promise.all(subscriptions.splice(0).map(s => s.stop()))

    // The worker's suggester wrote Ann's suggestions to Redis: the once-secret community that
    // Cat (whom Ann talks to) is in, and not Dan, whom she dismissed.
    const secret = await domain.communities.get(ann.actor, 'real-secret')
    const birds = await domain.communities.get(ann.actor, 'real-early')
    await eventually(async () => {
      const cached = await cachedFor(ann.id)
      expect(cached?.communities.map(c => [c.communityId, c.reason])).toEqual([[secret.id, '1 person you talk to is a member · Matches your interest: film'], [birds.id, 'Matches your interest: chess']])
      expect(cached?.people.map(p => p.userId)).not.toContain(dan.id)
    }, 60_000, 250)
    const served = await domain.suggestions.forUser(ann.actor, { limit: 5 })
    expect(served.communities.map(c => c.community.slug)).toEqual(['real-secret', 'real-early'])
  }, 300_000)

  it('picks up where it stopped after a worker restart', async () => {
    const ann = await domain.users.byHandle('real-ann')
    const birds = await domain.communities.get(null, 'real-early')
    await worker.stop()
    // While the worker is down the persister is too: the write is accepted, to be applied later.
    await expect(domain.communities.join({ id: ann.id, role: 'user' }, 'real-secret')).rejects.toMatchObject({ kind: 'accepted' })
    await worker.start()
    await eventually(async () => expect((await cachedFor(ann.id))?.communities.map(c => c.communityId)).toEqual([birds.id]), 120_000, 250)
    expect((await domain.suggestions.forUser({ id: ann.id, role: 'user' }, { limit: 5 })).communities.map(c => c.community.slug)).toEqual(['real-early'])
  }, 300_000)
})
