import type { ActivityPoint, Cohorts, Granularity, Live, Series, Top } from '../../shared/schemas/analytics'
import type { Ports } from '../ports'
import { type Actor, isAdmin, requireActor } from '../domain/actor'
import type { CommunityDoc, CommunityService } from '../domain/communities'
import { DomainError, forbidden } from '../domain/errors'
import type { PostDoc } from '../domain/posts-model'
import type { UserService } from '../domain/users'
import { type BatchOptions, type CohortDoc, type HourDoc, currentRun, runBatch, runs } from './batch'
import type { BatchEngine } from './engine'
import { batchEngineFor } from './engines'
import type { METRICS, Counters } from './facts'
import { DAY_MS, HOUR_MS, MINUTE_MS, SITE, activeUsersIn, addInto, floorTo, memberDelta } from './facts'
import { HOUR_TTL_S, SpeedLayer } from './speed'

export interface Scope {
  /** The community's id, or SITE. */
  id: string
  community: CommunityDoc | null
  level: 'full' | 'summary'
}

const UNIT: Record<Granularity, number> = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS }
const MAX_DOCS = 10_000
/** The speed layer keeps hours for HOUR_TTL_S: a batch cut-off must leave it a day of margin. */
const OLDEST_CUTOFF_MS = HOUR_TTL_S * 1000 - DAY_MS

interface Range { fromMs: number, toMs: number }

function point(start: number, counters: Counters, members: number): ActivityPoint {
  const metric = (name: typeof METRICS[number]) => counters[name] ?? 0
  return {
    start: new Date(start).toISOString(), posts: metric('posts'), replies: metric('replies'), reactions: metric('reactions'), messages: metric('messages'),
    shares: metric('shares'), joins: metric('joins'), leaves: metric('leaves'), signups: metric('signups'), activeUsers: activeUsersIn(counters), members,
  }
}

/**
 * The serving layer and the analytics API's rules. Every answer over a time range is the lambda
 * merge: the batch views for buckets before the batch's cut-off, the speed layer's from it on.
 */
export class AnalyticsService {
  readonly speed: SpeedLayer
  /** Spark in real mode (SPARK_MASTER), the in-process engine in embedded mode: see engines.ts. */
  readonly engine: BatchEngine

  constructor(private readonly ports: Pick<Ports, 'store' | 'cache' | 'search'>, private readonly communities: CommunityService, private readonly users: UserService) {
    this.speed = new SpeedLayer(ports.cache)
    this.engine = batchEngineFor(ports)
  }

  async setup() {
    await runs(this.ports.store).createIndex({ status: 1 })
  }

  /** Recomputes the batch views now (the scheduler's job; admins can ask for it too). */
  runBatch(options: BatchOptions = {}) {
    return runBatch(this.ports, { engine: this.engine, ...options })
  }

  async batchRuns(actor: Actor | null) {
    if (!isAdmin(requireActor(actor))) throw forbidden('Only site admins see the batch runs')
    const items = await runs(this.ports.store).find({}, { sort: { startedAt: -1 }, limit: 20 })
    const current = await currentRun(this.ports.store)
    // The run's index is where the batch layer writes its views: internal, not part of the answer.
    return { current: current?.runId ?? null, items: items.map(({ _id, index: _index, ...rest }) => ({ id: _id, ...rest })) }
  }

  async requestBatch(actor: Actor | null, cutoff?: string) {
    if (!isAdmin(requireActor(actor))) throw forbidden('Only site admins can start a batch run')
    // A cut-off in the future would leave events that arrive before it in neither layer.
    if (cutoff && Date.parse(cutoff) > Date.now()) throw new DomainError('invalid', 'The cut-off must not be in the future', { cutoff: ['must not be in the future'] })
    // One further back than the speed layer keeps its hours would leave the events after it in
    // neither layer, and make every read walk the speed layer's buckets from then on.
    if (cutoff && Date.parse(cutoff) < Date.now() - OLDEST_CUTOFF_MS) throw new DomainError('invalid', 'The cut-off must be within the last 7 days', { cutoff: ['must be within the last 7 days'] })
    const result = await this.runBatch(cutoff ? { cutoffMs: Date.parse(cutoff) } : {})
    return (await this.batchRuns(actor)).items.find(r => r.id === result.runId)!
  }

  /**
   * Who sees what: owners of a community and site admins see everything about it; its members see
   * summaries (counts, never who); for the whole site, admins see everything and others summaries.
   * A private community stays invisible to non-members (404), as everywhere.
   */
  async scope(actor: Actor | null, slug: string | undefined): Promise<Scope> {
    const me = requireActor(actor)
    if (!slug) return { id: SITE, community: null, level: isAdmin(me) ? 'full' : 'summary' }
    const { doc, role } = await this.communities.visible(me, slug)
    if (isAdmin(me) || role === 'owner') return { id: doc._id, community: doc, level: 'full' }
    if (role) return { id: doc._id, community: doc, level: 'summary' }
    throw forbidden(`Join ${doc.name} to see its activity`)
  }

  private describe(scope: Scope) {
    return { community: scope.community?.slug ?? null, communityName: scope.community?.name ?? null, level: scope.level }
  }

  private async hourDocs(index: string, scope: string, fromMs: number, toMs: number): Promise<HourDoc[]> {
    if (fromMs >= toMs) return []
    const result = await this.ports.search.search<HourDoc>(index, {
      filters: { kind: 'hour', scope }, ranges: { start: { gte: new Date(fromMs).toISOString(), lte: new Date(toMs - 1).toISOString() } },
      sort: { field: 'start', order: 'asc' }, size: MAX_DOCS,
    })
    return result.hits.map(h => h.source)
  }

  /** Members at a moment: the batch's running count before it, plus the speed layer's changes since the cut-off. */
  private async membersAt(scope: string, atMs: number, batch: { cutoffMs: number, index: string } | null, nowMs: number) {
    let members = 0
    if (batch) {
      const before = await this.ports.search.search<HourDoc>(batch.index, {
        filters: { kind: 'hour', scope }, ranges: { start: { lte: new Date(Math.min(atMs, batch.cutoffMs) - 1).toISOString() } },
        sort: { field: 'start', order: 'desc' }, size: 1,
      })
      members = before.hits[0]?.source.members ?? 0
    }
    const speedFrom = batch?.cutoffMs ?? atMs
    if (atMs > speedFrom) members += memberDelta(scope, SpeedLayer.total(await this.speed.since(scope, speedFrom, atMs, nowMs)))
    return members
  }

  /**
   * The lambda merge over [from, to): batch hour buckets before the cut-off, speed-layer buckets
   * (minutes up to the next full hour, then hours) from the cut-off on, each bucket's counters
   * added into the granularity's bucket.
   */
  async merged(scopeId: string, range: Range, granularity: Exclude<Granularity, 'minute'>, nowMs = Date.now()) {
    const unit = UNIT[granularity]
    const fromMs = floorTo(range.fromMs, unit)
    const toMs = Math.ceil(range.toMs / unit) * unit
    const batch = await currentRun(this.ports.store)
    const split = batch ? Math.min(Math.max(batch.cutoffMs, fromMs), toMs) : fromMs
    const buckets = new Map<number, Counters>()
    for (let start = fromMs; start < toMs; start += unit) buckets.set(start, {})
    if (batch) {
      for (const doc of await this.hourDocs(batch.index, scopeId, fromMs, split)) addInto(buckets.get(floorTo(Date.parse(doc.start), unit))!, doc.counters)
    }
    for (const { start, counters } of await this.speed.since(scopeId, split, toMs, nowMs)) {
      const bucket = buckets.get(floorTo(start, unit))
      if (bucket) addInto(bucket, counters)
    }
    return { batch, fromMs, toMs, buckets }
  }

  async series(actor: Actor | null, query: { community?: string, granularity: Granularity } & Range, nowMs = Date.now()): Promise<Series> {
    const scope = await this.scope(actor, query.community)
    const g = query.granularity
    let buckets: Map<number, Counters>
    let fromMs: number
    let toMs: number
    let batch: Awaited<ReturnType<typeof currentRun>>
    if (g === 'minute') {
      // The per-minute view is the speed layer's sliding window alone.
      fromMs = floorTo(query.fromMs, MINUTE_MS)
      toMs = Math.ceil(query.toMs / MINUTE_MS) * MINUTE_MS
      batch = await currentRun(this.ports.store)
      buckets = new Map((await this.speed.minutes(scope.id, fromMs, toMs)).map(b => [b.start, b.counters]))
    }
    else {
      ({ batch, fromMs, toMs, buckets } = await this.merged(scope.id, query, g, nowMs))
    }
    let members = await this.membersAt(scope.id, fromMs, batch, nowMs)
    const points = [...buckets].map(([start, counters]) => {
      members += memberDelta(scope.id, counters)
      return point(start, counters, members)
    })
    return { scope: this.describe(scope), granularity: g, from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), cutoff: batch ? new Date(batch.cutoffMs).toISOString() : null, points }
  }

  /** Top contributors (owners and admins only) or the reaction mix, over the merged range. */
  async top(actor: Actor | null, query: { community?: string, by: 'contributors' | 'reactions', limit: number } & Range, nowMs = Date.now()): Promise<Top> {
    const scope = await this.scope(actor, query.community)
    if (query.by === 'contributors' && scope.level !== 'full') throw forbidden('Only the community\'s owner and site admins see who contributes')
    const { batch, buckets } = await this.merged(scope.id, query, 'hour', nowMs)
    const total = SpeedLayer.total([...buckets.values()].map(counters => ({ counters })))
    const prefix = query.by === 'contributors' ? 'u:' : 'r:'
    const ranked = Object.entries(total).filter(([key, n]) => key.startsWith(prefix) && n > 0)
      .map(([key, count]) => ({ key: key.slice(prefix.length), count }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)).slice(0, query.limit)
    const people = query.by === 'contributors' ? await this.users.byIds(ranked.map(r => r.key)) : null
    return {
      scope: this.describe(scope), by: query.by, cutoff: batch ? new Date(batch.cutoffMs).toISOString() : null,
      items: ranked.map(r => ({ ...r, label: people ? `@${people.get(r.key)?.handle ?? 'unknown'}` : r.key })),
    }
  }

  /** Retention cohorts: a batch view only, since it needs each member's whole history. */
  async cohorts(actor: Actor | null, query: { community?: string } & Range): Promise<Cohorts> {
    const scope = await this.scope(actor, query.community)
    if (scope.level !== 'full') throw forbidden('Only the community\'s owner and site admins see retention')
    const batch = await currentRun(this.ports.store)
    let cohorts: CohortDoc[] = []
    if (batch) {
      const result = await this.ports.search.search<CohortDoc>(batch.index, {
        filters: { kind: 'cohort', scope: scope.id }, ranges: { start: { gte: new Date(query.fromMs - 7 * DAY_MS).toISOString(), lte: new Date(query.toMs).toISOString() } },
        sort: { field: 'start', order: 'asc' }, size: 1000,
      })
      cohorts = result.hits.map(h => h.source)
    }
    return {
      scope: this.describe(scope), cutoff: batch ? new Date(batch.cutoffMs).toISOString() : null,
      cohorts: cohorts.map(({ start, size, eligible7, retained7, eligible30, retained30 }) => ({ start, size, eligible7, retained7, eligible30, retained30 })),
    }
  }

  /** The live panel: the last hour by minute, who is online, and what is trending now. */
  async live(actor: Actor | null, query: { community?: string }, nowMs = Date.now()): Promise<Live> {
    const scope = await this.scope(actor, query.community)
    const toMs = floorTo(nowMs, MINUTE_MS) + MINUTE_MS
    const minutes = await this.speed.minutes(scope.id, toMs - 60 * MINUTE_MS, toMs)
    const batch = await currentRun(this.ports.store)
    let online = await this.speed.online(nowMs)
    if (scope.community) {
      const memberships = this.ports.store.collection<{ _id: string }>('memberships')
      const inCommunity = await Promise.all(online.map(async id => !!(await memberships.findOne({ _id: `${scope.id}:${id}` }))))
      online = online.filter((_, i) => inCommunity[i])
    }
    const people = scope.level === 'full' ? await this.users.byIds(online.slice(0, 50)) : null
    const admin = isAdmin(actor)
    const trendingPosts = await this.trendingPosts(scope, admin, nowMs)
    const trendingCommunities = scope.community ? [] : await this.trendingCommunities(admin, nowMs)
    return {
      scope: this.describe(scope), now: new Date(nowMs).toISOString(), cutoff: batch ? new Date(batch.cutoffMs).toISOString() : null,
      minutes: minutes.map(m => point(m.start, m.counters, 0)),
      online: { count: online.length, handles: people ? online.slice(0, 50).map(id => `@${people.get(id)?.handle ?? 'unknown'}`) : null },
      trendingPosts, trendingCommunities,
    }
  }

  /** Trending posts the viewer may read: private communities' posts only in their own scope or for admins. */
  private async trendingPosts(scope: Scope, admin: boolean, nowMs: number) {
    const ranked = await this.speed.trending('posts', scope.id, 10, nowMs)
    const posts = await this.ports.store.collection<PostDoc>('posts').find({ _id: { $in: ranked.map(r => r.id) } })
    const byId = new Map(posts.filter(p => !p.deleted && !p.held).map(p => [p._id, p]))
    const communities = await this.ports.store.collection<CommunityDoc>('communities').find({ _id: { $in: [...new Set(posts.map(p => p.communityId))] } })
    const community = new Map(communities.map(c => [c._id, c]))
    return ranked.flatMap(({ id, score }) => {
      const post = byId.get(id)
      const home = post && community.get(post.communityId)
      if (!post || !home || (home.visibility === 'private' && !admin && scope.id !== home._id)) return []
      return [{ id, title: post.title || post.body.slice(0, 80), communitySlug: home.slug, score: +score.toFixed(4) }]
    }).slice(0, 10)
  }

  private async trendingCommunities(admin: boolean, nowMs: number) {
    const ranked = await this.speed.trending('communities', SITE, 10, nowMs)
    const docs = await this.ports.store.collection<CommunityDoc>('communities').find({ _id: { $in: ranked.map(r => r.id) } })
    const byId = new Map(docs.filter(c => admin || c.visibility === 'public').map(c => [c._id, c]))
    return ranked.flatMap(({ id, score }) => (byId.has(id) ? [{ slug: byId.get(id)!.slug, name: byId.get(id)!.name, score: +score.toFixed(4) }] : [])).slice(0, 10)
  }

  /** Presence for the websocket layer: call on connect and on each heartbeat. */
  markOnline(userId: string) {
    return this.speed.markOnline(userId)
  }

  markOffline(userId: string) {
    return this.speed.markOffline(userId)
  }
}
