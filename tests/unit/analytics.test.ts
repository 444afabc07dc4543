import { describe, expect, it } from 'vitest'
import { factOf } from '../../core/analytics/facts'
import { deployment } from '../../core/analytics/speed'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { closePorts, createPorts } from '../../adapters/factory'
import { currentRun, runBatch, runs } from '../../core/analytics/batch'
import { eventLog } from '../../core/pipeline/event-log'
import { generateLog, shuffled, viewDocs } from '../support/analytics-log'
import { eventually } from '../contract/suites/wait'
import { activity, commitAt, days, hours, recompute } from '../support/analytics'
import { fakeClock } from '../support/clock'
import { freshDomain } from './helpers'

const MINUTE = 60_000
const floorMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE
const metrics = <T extends Record<string, unknown>>(points: T[]) => points.map(({ start, posts, replies, reactions, joins, leaves, signups, activeUsers }) => ({ start, posts, replies, reactions, joins, leaves, signups, activeUsers }))

async function community(domain: Awaited<ReturnType<typeof freshDomain>>['domain'], owner: { id: string, role: 'user' | 'admin' }, slug: string, visibility: 'public' | 'private' = 'public') {
  return domain.communities.create(owner, { name: `Community ${slug}`, slug, description: '', topics: [], visibility, postsNeedApproval: false })
}

describe('analytics, embedded', () => {
  it('merges the batch view before its cut-off with the speed layer after it, equal to a recomputation from all raw events', async () => {
    const { domain, make } = await freshDomain()
    const [ann, ben, cat] = [await make('ann'), await make('ben'), await make('cat')]
    const quay = await community(domain, ann.actor, 'quay')
    await domain.communities.join(ben.actor, 'quay')
    const now = Date.now()
    // Before the cut-off: activity over the last five hours, several events in one millisecond.
    const early = [hours(5), hours(4.5), hours(3), hours(3), hours(2.2), hours(2), hours(1.5), hours(1.1), 50 * MINUTE, 50 * MINUTE].map(ago => now - ago)
    await activity(domain, quay.id, [ann.id, ben.id, cat.id], early)
    const cutoffMs = floorMinute(now - 40 * MINUTE)
    const result = await domain.analytics.runBatch({ cutoffMs })
    expect(result.events).toBe(early.length)
    // After the cut-off: the speed layer alone has these, some in the cut-off's own hour.
    await activity(domain, quay.id, [cat.id, ben.id], [now - 35 * MINUTE, now - 20 * MINUTE, now - 5 * MINUTE, now - 1000, now])
    await domain.communities.leave(ben.actor, 'quay')

    const range = { fromMs: now - hours(6), toMs: now + MINUTE }
    for (const [granularity, unit] of [['hour', hours(1)], ['day', days(1)]] as const) {
      for (const scope of [{ community: 'quay', id: quay.id }, { community: undefined, id: null }]) {
        await eventually(async () => {
          const answer = await domain.analytics.series(scope.community ? ann.actor : { ...ann.actor, role: 'admin' as const }, { community: scope.community, granularity, ...range })
          expect(answer.cutoff).toBe(new Date(cutoffMs).toISOString())
          const expected = await recompute(domain, { communityId: scope.id }, Date.parse(answer.from), Date.parse(answer.to), unit)
          expect(metrics(answer.points)).toEqual(expected.points)
        }, 5000, 100)
      }
    }
    const expected = await recompute(domain, { communityId: quay.id }, Math.floor(range.fromMs / days(1)) * days(1), Math.ceil(range.toMs / days(1)) * days(1), days(1))
    const top = await domain.analytics.top(ann.actor, { community: 'quay', by: 'contributors', limit: 10, fromMs: range.fromMs, toMs: range.toMs })
    expect(Object.fromEntries(top.items.map(i => [i.key, i.count]))).toEqual(expected.contributors)
    const mix = await domain.analytics.top(ann.actor, { community: 'quay', by: 'reactions', limit: 10, fromMs: range.fromMs, toMs: range.toMs })
    expect(Object.fromEntries(mix.items.map(i => [i.key, i.count]))).toEqual(expected.reactions)
    // Member growth: the owner and Ben joined, Ben left.
    const growth = await domain.analytics.series(ann.actor, { community: 'quay', granularity: 'hour', ...range })
    expect(growth.points.at(-1)!.members).toBe(1)
    expect(growth.points.reduce((n, p) => n + p.joins - p.leaves, 0)).toBe(1)
    const site = await domain.analytics.series({ ...ann.actor, role: 'admin' }, { granularity: 'day', ...range })
    expect(site.points.at(-1)!.members).toBe(3)
  })

  it('leaves the previous views serving when a run dies half way, and starts that run again from a clean index', async () => {
    const { domain, make } = await freshDomain()
    const [ann, ben] = [await make('ann'), await make('ben')]
    const quay = await community(domain, ann.actor, 'quay')
    const now = Date.now()
    await activity(domain, quay.id, [ann.id, ben.id], Array.from({ length: 12 }, (_, i) => now - hours(12 - i)))
    const first = await domain.analytics.runBatch({ cutoffMs: floorMinute(now - hours(6)) })
    const cutoffMs = floorMinute(now - 10 * MINUTE)
    // The run's clock stands still but between the attempts: the run lasted exactly that gap.
    const clock = fakeClock(now)
    await expect(domain.analytics.runBatch({ cutoffMs, interruptAfterEvents: 10, now: clock.now })).rejects.toThrow(/interrupted/)
    expect(await runs(domain.ports.store).findOne({ _id: `run-${cutoffMs.toString(36)}` })).toMatchObject({ status: 'running', error: expect.stringMatching(/interrupted/) })
    expect((await currentRun(domain.ports.store))?.runId).toBe(first.runId)
    clock.advance(90_000)
    const again = await domain.analytics.runBatch({ cutoffMs, now: clock.now })
    expect(again).toMatchObject({ resumed: true, skipped: false, durationMs: 0 })
    expect(await domain.analytics.runBatch({ cutoffMs })).toMatchObject({ skipped: true, events: again.events })
    const run = await runs(domain.ports.store).findOne({ _id: again.runId })
    expect(run).toMatchObject({ status: 'done', resumed: 1, error: null, cutoff: new Date(cutoffMs).toISOString(), durationMs: 90_000 })
    expect(run).toMatchObject({ startedAt: new Date(now).toISOString(), finishedAt: new Date(now + 90_000).toISOString() })
    const range = { fromMs: now - hours(13), toMs: now }
    const answer = await domain.analytics.series(ann.actor, { community: 'quay', granularity: 'hour', ...range })
    const expected = await recompute(domain, { communityId: quay.id }, Date.parse(answer.from), Date.parse(answer.to), hours(1))
    expect(metrics(answer.points)).toEqual(expected.points)
  })

  it('computes the same views whatever order the log comes in, and counts and skips malformed events', async () => {
    const generated = generateLog({ events: 20_000, endMs: floorMinute(Date.now()) - hours(1) })
    const cutoffMs = floorMinute(Date.now())
    const views = []
    for (const order of [generated.records, shuffled(generated.records, 7)]) {
      const ports = await createPorts({ dataDir: mkdtempSync(join(tmpdir(), 'c18n-views-')) })
      try {
        for (const record of order) await eventLog(ports.store).insertOne(record)
        const lines: string[] = []
        const result = await runBatch(ports, { cutoffMs, log: line => lines.push(line) })
        expect(result).toMatchObject({ engine: 'embedded', events: generated.records.length, malformed: generated.malformed })
        expect(lines.filter(line => / skipped event ev\w+: /.test(line))).toHaveLength(20)
        expect(lines.some(line => line.includes(`skipped ${generated.malformed} malformed events in all`))).toBe(true)
        views.push(await viewDocs(ports.search, (await currentRun(ports.store))!.index))
      }
      finally {
        await closePorts(ports)
      }
    }
    expect(views[0]!.hours.length).toBeGreaterThan(1000)
    expect(views[0]!.cohorts.length).toBeGreaterThan(10)
    expect(views[1]).toEqual(views[0])
  }, 120_000)

  it('counts a write in the live view within a second', async () => {
    const { domain, make } = await freshDomain()
    const ann = await make('ann')
    await community(domain, ann.actor, 'quay')
    const post = await domain.posts.create(ann.actor, 'quay', { title: 'Live', body: 'now', tags: [] })
    const written = Date.now()
    await eventually(async () => {
      const live = await domain.analytics.live(ann.actor, { community: 'quay' })
      expect(live.minutes.reduce((n, m) => n + m.posts, 0)).toBe(1)
      expect(live.trendingPosts.map(p => p.id)).toEqual([post.id])
      expect(live.online).toEqual({ count: 1, handles: ['@ann'] })
    }, 1000, 20)
    expect(Date.now() - written).toBeLessThan(1000)
  })

  it('ranks trending posts by decayed score and keeps private communities out of others\' view', async () => {
    const { domain, make } = await freshDomain()
    const [ann, ben, ada] = [await make('ann'), await make('ben'), await make('ada', 'admin')]
    const quay = await community(domain, ann.actor, 'quay')
    const vault = await community(domain, ann.actor, 'vault', 'private')
    const now = Date.now()
    const [old] = await activity(domain, quay.id, [ann.id], [now - hours(30)])
    const [fresh] = await activity(domain, quay.id, [ann.id], [now - MINUTE])
    const [secret] = await activity(domain, vault.id, [ann.id], [now - MINUTE])
    // Many reactions a day ago weigh less than one post a minute ago: the score halves every six hours.
    for (const kind of ['like', 'love', 'laugh', 'wow'] as const) await commitAt(domain, 'reactions', 'reaction.added', quay.id, { postId: old, communityId: quay.id, userId: ann.id, kind }, ann.id, now - hours(30))
    await eventually(async () => {
      expect((await domain.analytics.live(ben.actor, {})).trendingPosts.map(p => p.id)).toEqual([fresh, old])
      expect((await domain.analytics.live(ada.actor, {})).trendingPosts.map(p => p.id).sort()).toEqual([fresh, old, secret].sort())
      expect((await domain.analytics.live(ben.actor, {})).trendingCommunities.map(c => c.slug)).toEqual(['quay'])
    }, 3000, 50)
  })

  it('lets owners and admins see everything, members summaries, and nobody else anything', async () => {
    const { domain, make } = await freshDomain()
    const [ann, ben, cat, ada] = [await make('ann'), await make('ben'), await make('cat'), await make('ada', 'admin')]
    await community(domain, ann.actor, 'quay')
    await community(domain, ann.actor, 'vault', 'private')
    await domain.communities.join(ben.actor, 'quay')
    const range = { fromMs: Date.now() - days(1), toMs: Date.now() }
    expect((await domain.analytics.series(ben.actor, { community: 'quay', granularity: 'day', ...range })).scope.level).toBe('summary')
    expect((await domain.analytics.top(ben.actor, { community: 'quay', by: 'reactions', limit: 5, ...range })).by).toBe('reactions')
    await expect(domain.analytics.top(ben.actor, { community: 'quay', by: 'contributors', limit: 5, ...range })).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.analytics.cohorts(ben.actor, { community: 'quay', ...range })).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.analytics.series(cat.actor, { community: 'quay', granularity: 'day', ...range })).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.analytics.series(cat.actor, { community: 'vault', granularity: 'day', ...range })).rejects.toMatchObject({ kind: 'not_found' })
    await expect(domain.analytics.series(null, { granularity: 'day', ...range })).rejects.toMatchObject({ kind: 'unauthenticated' })
    expect((await domain.analytics.cohorts(ann.actor, { community: 'quay', ...range })).scope.level).toBe('full')
    expect((await domain.analytics.live(ben.actor, { community: 'quay' })).online.handles).toBeNull()
    expect((await domain.analytics.series(cat.actor, { granularity: 'day', ...range })).scope.level).toBe('summary')
    await expect(domain.analytics.top(cat.actor, { by: 'contributors', limit: 5, ...range })).rejects.toMatchObject({ kind: 'forbidden' })
    expect((await domain.analytics.top(ada.actor, { by: 'contributors', limit: 5, ...range })).scope.level).toBe('full')
    expect((await domain.analytics.cohorts(ada.actor, { community: 'vault', ...range })).scope.level).toBe('full')
    await expect(domain.analytics.batchRuns(ann.actor)).rejects.toMatchObject({ kind: 'forbidden' })
  })

  it('puts new members in weekly cohorts and counts who is still active after 7 and 30 days', async () => {
    const { domain, make } = await freshDomain()
    const [ann, ben, cat, dan] = [await make('ann'), await make('ben'), await make('cat'), await make('dan')]
    const quay = await community(domain, ann.actor, 'quay')
    const now = Date.now()
    const joined = now - days(40)
    for (const who of [ben, cat, dan]) await commitAt(domain, 'memberships', 'membership.joined', quay.id, { communityId: quay.id, userId: who.id }, who.id, joined)
    await activity(domain, quay.id, [ben.id], [joined + days(10)]) // ben: active after 7 days, not after 30
    await activity(domain, quay.id, [cat.id], [joined + days(35)]) // cat: active after both
    await activity(domain, quay.id, [dan.id], [joined + days(1)]) // dan: neither
    await domain.analytics.runBatch({ cutoffMs: floorMinute(Date.now()) + MINUTE })
    const { cohorts } = await domain.analytics.cohorts(ann.actor, { community: 'quay', fromMs: now - days(60), toMs: now })
    const cohort = cohorts.find(c => Date.parse(c.start) <= joined && joined < Date.parse(c.start) + days(7))
    expect(cohort).toMatchObject({ size: 3, eligible7: 3, retained7: 2, eligible30: 3, retained30: 1 })
    // The owner joined today: in a cohort of one, not yet eligible.
    expect(cohorts.at(-1)).toMatchObject({ size: 1, eligible7: 0, eligible30: 0 })
  })

  it('keeps the views of deployments that share a Redis apart, by namespace and database', () => {
    expect(deployment({ MONGODB_URI: 'mongodb://127.0.0.1:27017/c18n-e2e-t1?retryWrites=false' })).toBe('c18n:c18n-e2e-t1')
    expect(deployment({ MONGODB_URI: 'mongodb://u:p@a:1,b:2/shop' })).toBe('c18n:shop')
    expect(deployment({})).toBe('c18n:embedded')
  })

  it('counts chat messages of a community\'s room in its live view and series', async () => {
    const { domain, make } = await freshDomain()
    const ann = await make('ann')
    const quay = await community(domain, ann.actor, 'quay')
    await domain.chat.send(ann.actor, `community:${quay.id}`, { body: 'hello room' })
    await domain.chat.send(ann.actor, `community:${quay.id}`, { body: 'and again' })
    await eventually(async () => {
      const live = await domain.analytics.live(ann.actor, { community: 'quay' })
      expect(live.minutes.reduce((n, m) => n + m.messages, 0)).toBe(2)
      const series = await domain.analytics.series(ann.actor, { community: 'quay', granularity: 'hour', fromMs: Date.now() - hours(1), toMs: Date.now() + MINUTE })
      expect(series.points.reduce((n, p) => n + p.messages, 0)).toBe(2)
    }, 2000, 50)
  })

  it('counts chat messages of community rooms for the community, others only site-wide', () => {
    const at = new Date().toISOString()
    expect(factOf({ type: 'c18n.message.sent', time: at, data: { id: 'm1', roomId: 'community:c1', authorId: 'u1', parentId: null, body: 'hi' } }))
      .toMatchObject({ communityId: 'c1', counters: { messages: 1 }, activeUserId: 'u1' })
    expect(factOf({ type: 'c18n.message.sent', time: at, data: { id: 'm2', roomId: 'direct:abc', authorId: 'u1', parentId: null, body: 'hi' } }))
      .toMatchObject({ communityId: null, counters: { messages: 1 } })
    expect(factOf({ type: 'c18n.post.edited', time: at, data: {} })).toBeNull()
  })
})
