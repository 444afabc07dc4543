import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ports } from '../../core/ports'
import type { Domain } from '../../core/domain'
import { currentRun, runs } from '../../core/analytics/batch'
import { startBatchScheduler } from '../../core/analytics/scheduler'
import { startConsumers } from '../../workers/consumers'
import { eventually } from '../contract/suites/wait'
import { activity, days, hours, recompute } from '../support/analytics'
import { closeStack, openStack, stackSpace } from './stack'

// The lambda architecture on Kafka, FerretDB, Redis (speed layer, BullMQ) and Elasticsearch (batch
// views). The run keeps to its own topics, consumer groups, database, Redis keys and indices.
const space = stackSpace('a', 'analytics')
// The serving layer and the merge over the real stores, with the in-process batch engine: the Spark
// engine over the same stores has its own test (analytics-spark.test.ts), which requires equal views.
process.env.C18N_ANALYTICS_ENGINE = 'embedded'
const MINUTE = 60_000
const floorMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE
const metrics = <T extends Record<string, unknown>>(points: T[]) => points.map(({ start, posts, replies, reactions, joins, leaves, signups, activeUsers }) => ({ start, posts, replies, reactions, joins, leaves, signups, activeUsers }))

let ports: Ports
let domain: Domain
let stopConsumers: () => Promise<void> = async () => {}
const actors: Record<string, { id: string, role: 'user' | 'admin' }> = {}
let communityId = ''
const slug = 'lambda-harbour'

beforeAll(async () => {
  ({ ports, domain } = await openStack(space))
  stopConsumers = (await startConsumers(domain)).stop
  for (const handle of ['ann', 'ben', 'cat']) actors[handle] = { id: (await domain.users.create({ handle, displayName: handle.toUpperCase() })).id, role: 'user' }
  actors.ada = { id: (await domain.users.create({ handle: 'ada', displayName: 'ADA', role: 'admin' })).id, role: 'admin' }
  communityId = (await domain.communities.create(actors.ann!, { name: 'Lambda harbour', slug, description: '', topics: [], visibility: 'public', postsNeedApproval: false })).id
  await domain.communities.join(actors.ben!, slug)
}, 180_000)

afterAll(async () => {
  await stopConsumers()
  const run = ports && await currentRun(ports.store).catch(() => null)
  for (const r of ports ? await runs(ports.store).find({}).catch(() => []) : []) await ports.search.dropIndex(r.index).catch(() => {})
  if (run) await ports.search.dropIndex(run.index).catch(() => {})
  await closeStack(ports)
})

/** The merged answer, for the community and the site, by hour and by day, equals the recomputation. */
async function expectMergedEqualsRecomputed(range: { fromMs: number, toMs: number }, cutoffMs: number) {
  for (const [granularity, unit] of [['hour', hours(1)], ['day', days(1)]] as const) {
    for (const scope of [{ community: slug, id: communityId }, { community: undefined, id: null }]) {
      await eventually(async () => {
        const answer = await domain.analytics.series(actors.ada!, { community: scope.community, granularity, ...range })
        expect(answer.cutoff).toBe(new Date(cutoffMs).toISOString())
        const expected = await recompute(domain, { communityId: scope.id }, Date.parse(answer.from), Date.parse(answer.to), unit)
        expect(metrics(answer.points)).toEqual(expected.points)
      }, 30_000, 250)
    }
  }
  const expected = await recompute(domain, { communityId }, Math.floor(range.fromMs / days(1)) * days(1), Math.ceil(range.toMs / days(1)) * days(1), days(1))
  const top = await domain.analytics.top(actors.ann!, { community: slug, by: 'contributors', limit: 50, ...range })
  expect(Object.fromEntries(top.items.map(i => [i.key, i.count]))).toEqual(expected.contributors)
  const mix = await domain.analytics.top(actors.ann!, { community: slug, by: 'reactions', limit: 50, ...range })
  expect(Object.fromEntries(mix.items.map(i => [i.key, i.count]))).toEqual(expected.reactions)
}

describe('analytics on the real stack', () => {
  it('answers with the batch view up to its cut-off merged with the speed layer after it, equal to a recomputation from all raw events', async () => {
    const now = Date.now()
    const people = [actors.ann!.id, actors.ben!.id, actors.cat!.id]
    // Before the cut-off: five hours of activity, two events in one millisecond.
    await activity(domain, communityId, people, [5, 4.5, 4, 3, 3, 2.5, 2, 1.5, 1.2, 1, 1, 0.9].map(h => now - hours(h)))
    const cutoffMs = floorMinute(now - 40 * MINUTE)
    const batch = await domain.analytics.runBatch({ cutoffMs })
    expect(batch).toMatchObject({ events: 12, skipped: false })
    // After it: the speed layer alone knows these, some in the cut-off's own hour.
    await activity(domain, communityId, people.slice(1), [35, 30, 20, 10, 1, 0].map(m => now - m * MINUTE))
    await domain.communities.leave(actors.ben!, slug)
    await expectMergedEqualsRecomputed({ fromMs: now - hours(6), toMs: now + MINUTE }, cutoffMs)
  }, 180_000)

  it('gives the same answer after a later batch run that was interrupted and started again', async () => {
    const now = Date.now()
    const cutoffMs = floorMinute(now - 3 * MINUTE)
    const before = await currentRun(ports.store)
    await expect(domain.analytics.runBatch({ cutoffMs, interruptAfterEvents: 15 })).rejects.toThrow(/interrupted/)
    expect((await runs(ports.store).findOne({ _id: `run-${cutoffMs.toString(36)}` }))?.status).toBe('running')
    expect(await currentRun(ports.store)).toEqual(before)
    const resumed = await domain.analytics.runBatch({ cutoffMs })
    expect(resumed).toMatchObject({ resumed: true })
    expect(await domain.analytics.runBatch({ cutoffMs })).toMatchObject({ skipped: true })
    await activity(domain, communityId, [actors.cat!.id], [Date.now()])
    await expectMergedEqualsRecomputed({ fromMs: now - hours(6), toMs: Date.now() + MINUTE }, cutoffMs)
  }, 180_000)

  it('counts a write in the live view within a second', async () => {
    const post = await domain.posts.create(actors.ann!, slug, { title: 'Live on Kafka', body: 'now', tags: [] })
    const written = Date.now()
    await eventually(async () => {
      const live = await domain.analytics.live(actors.ann!, { community: slug })
      expect(live.trendingPosts.map(p => p.id)).toContain(post.id)
      expect(live.online.handles).toContain('@ann')
    }, 1000, 20)
    expect(Date.now() - written).toBeLessThan(1000)
  }, 30_000)

  it('runs the batch on its BullMQ schedule', async () => {
    process.env.C18N_ANALYTICS_BATCH_MS = '1000'
    const before = await currentRun(ports.store)
    const scheduledFrom = Date.now()
    const stop = await startBatchScheduler(ports.jobs, options => domain.analytics.runBatch(options))
    try {
      await eventually(async () => {
        const current = await currentRun(ports.store)
        expect(current?.runId).not.toBe(before?.runId)
        const run = await runs(ports.store).findOne({ _id: current!.runId })
        expect(run).toMatchObject({ status: 'done' })
        // The run happened within this test, and its duration is the span it records.
        const [startedAt, finishedAt] = [Date.parse(run!.startedAt), Date.parse(run!.finishedAt!)]
        expect(startedAt).toBeGreaterThanOrEqual(scheduledFrom)
        expect(finishedAt).toBeLessThanOrEqual(Date.now())
        expect(run!.durationMs).toBe(finishedAt - startedAt)
      }, 60_000, 250)
    }
    finally {
      await stop()
      delete process.env.C18N_ANALYTICS_BATCH_MS
    }
  }, 90_000)
})
