import type { Cache, CacheCommand } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import { namespace } from '../../shared/schemas/events'
import { type Counters, type Fact, HOUR_MS, MINUTE_MS, addInto, countersOf, factOf, floorTo, scopesOf } from './facts'

/**
 * The speed layer: real-time views in the cache, bucketed by *event time* so that the serving
 * layer can add them to the batch views exactly from the batch's cut-off on.
 */

/** Minute buckets outlive any reasonable batch interval: the merge reads them from the cut-off on. */
export const MINUTE_TTL_S = 26 * 60 * 60
export const HOUR_TTL_S = 8 * 24 * 60 * 60
const SEEN_TTL_S = 2 * 24 * 60 * 60
export const ONLINE_TTL_MS = 90_000
/** Trending scores decay by half every six hours; scores are kept relative to a weekly epoch. */
export const HALF_LIFE_MS = 6 * HOUR_MS
export const EPOCH_MS = 7 * 24 * HOUR_MS

/**
 * Which deployment the views belong to: the topic namespace and the database. Apps and test runs
 * that share one Redis (and one BullMQ) keep to their own views and their own batch schedule.
 */
export function deployment(env: Record<string, string | undefined> = process.env) {
  const database = env.MONGODB_URI ? env.MONGODB_URI.replace(/^[a-z+]+:\/\/[^/]*/i, '').split('?')[0]!.replace(/^\//, '') || 'default' : 'embedded'
  return `${namespace()}:${database}`
}
const prefix = () => `${deployment()}:an`
export const keys = {
  minute: (scope: string, startMs: number) => `${prefix()}:min:${scope}:${startMs}`,
  hour: (scope: string, startMs: number) => `${prefix()}:hour:${scope}:${startMs}`,
  seen: (eventId: string) => `${prefix()}:seen:${eventId}`,
  trendingPosts: (scope: string, epoch: number) => `${prefix()}:trend:posts:${scope}:${epoch}`,
  trendingCommunities: (epoch: number) => `${prefix()}:trend:communities:${epoch}`,
  online: () => `${prefix()}:online`,
  updates: () => `${prefix()}:updates`,
}

/** A weight grown by 2^(age in half-lives since the epoch): adding these and dividing out the present decays old ones. */
const decayedWeight = (weight: number, timeMs: number) => {
  const epoch = Math.floor(timeMs / EPOCH_MS)
  return { epoch, score: weight * 2 ** ((timeMs - epoch * EPOCH_MS) / HALF_LIFE_MS) }
}

export class SpeedLayer {
  constructor(private readonly cache: Cache) {}

  /** Counts one applied event in its minute and hour buckets, trending sets and presence. */
  async record(event: CloudEvent): Promise<boolean> {
    return (await this.recordMany([event])) === 1
  }

  /**
   * Counts a batch of applied events in two round trips: one marks them seen, one counts those
   * seen for the first time. Returns how many were counted.
   */
  async recordMany(events: CloudEvent[]): Promise<number> {
    const withFacts = events.map(event => ({ event, fact: factOf(event) })).filter((e): e is { event: CloudEvent, fact: Fact } => e.fact !== null)
    if (!withFacts.length) return 0
    // INCR is atomic: only the first delivery of an event gets 1 and counts. (A crash between this
    // and the counting loses the event here; the next batch run recomputes it from the event log.)
    const firsts = await this.cache.batch(withFacts.map(({ event }) => ['incrBy', keys.seen(event.id), 1] as CacheCommand))
    const counted = withFacts.filter((_, i) => firsts[i] === 1)
    if (!counted.length) return 0
    const commands: CacheCommand[] = []
    const expiring = new Map<string, number>()
    const scopes = new Set<string>()
    let latest = ''
    const now = Date.now()
    for (const { event, fact } of counted) {
      commands.push(['expire', keys.seen(event.id), SEEN_TTL_S])
      const at = Date.parse(event.time)
      const counters = countersOf(fact)
      for (const scope of scopesOf(fact)) {
        scopes.add(scope)
        for (const [key, ttl] of [[keys.minute(scope, floorTo(at, MINUTE_MS)), MINUTE_TTL_S], [keys.hour(scope, floorTo(at, HOUR_MS)), HOUR_TTL_S]] as const) {
          for (const [field, by] of Object.entries(counters)) commands.push(['hIncrBy', key, field, by])
          expiring.set(key, ttl)
        }
      }
      const { epoch, score } = decayedWeight(1, at)
      if (fact.trendingPost) for (const scope of scopesOf(fact)) commands.push(['zIncrBy', keys.trendingPosts(scope, epoch), fact.trendingPost.id, score * fact.trendingPost.weight])
      if (fact.communityId && fact.activeUserId) commands.push(['zIncrBy', keys.trendingCommunities(epoch), fact.communityId, score])
      if (fact.activeUserId) commands.push(['zAdd', keys.online(), Math.min(at, now), fact.activeUserId])
      if (event.time > latest) latest = event.time
    }
    for (const [key, ttl] of expiring) commands.push(['expire', key, ttl])
    // One notice for the batch: listeners re-read the scopes it names.
    commands.push(['publish', keys.updates(), JSON.stringify({ scopes: [...scopes], at: latest })])
    await this.cache.batch(commands)
    return counted.length
  }

  /**
   * Presence: the websocket layer calls this on connect and heartbeat; acting counts too.
   * Someone is online until ONLINE_TTL_MS after they were last seen.
   */
  async markOnline(userId: string, atMs = Date.now()) {
    await this.cache.zAdd(keys.online(), Math.min(atMs, Date.now()), userId)
  }

  async markOffline(userId: string) {
    await this.cache.zRem(keys.online(), userId)
  }

  async online(nowMs = Date.now()): Promise<string[]> {
    const seen = await this.cache.zRevRangeWithScores(keys.online(), 0, 4999)
    const stale = seen.filter(s => s.score < nowMs - ONLINE_TTL_MS)
    for (const s of stale) await this.cache.zRem(keys.online(), s.member)
    return seen.filter(s => s.score >= nowMs - ONLINE_TTL_MS).map(s => s.member)
  }

  private async buckets(kind: 'minute' | 'hour', scope: string, fromMs: number, toMs: number): Promise<Array<{ start: number, counters: Counters }>> {
    const unit = kind === 'minute' ? MINUTE_MS : HOUR_MS
    const out: Array<{ start: number, counters: Counters }> = []
    if (fromMs >= toMs) return out
    for (let start = floorTo(fromMs, unit); start < toMs; start += unit) {
      const raw = await this.cache.hGetAll(keys[kind](scope, start))
      const counters: Counters = {}
      for (const [field, value] of Object.entries(raw)) counters[field] = Number(value)
      out.push({ start, counters })
    }
    return out
  }

  /** Per-minute buckets of [from, to): the real-time sliding window. */
  minutes(scope: string, fromMs: number, toMs: number) {
    return this.buckets('minute', scope, fromMs, toMs)
  }

  /**
   * Everything since `fromMs` (minute-aligned) up to `toMs`, in buckets no longer than an hour:
   * minutes up to the next full hour, hours after that. Nothing after `nowMs` is read.
   */
  async since(scope: string, fromMs: number, toMs: number, nowMs = Date.now()): Promise<Array<{ start: number, counters: Counters }>> {
    const end = Math.min(toMs, floorTo(nowMs, MINUTE_MS) + MINUTE_MS)
    if (fromMs >= end) return []
    const firstFullHour = Math.min(Math.ceil(fromMs / HOUR_MS) * HOUR_MS, end)
    const head = await this.buckets('minute', scope, fromMs, firstFullHour)
    // The last hour may be partial when `toMs` is not hour-aligned: minutes again for that tail.
    const lastFullHourEnd = Math.max(firstFullHour, floorTo(end, HOUR_MS))
    const middle = await this.buckets('hour', scope, firstFullHour, lastFullHourEnd)
    const tail = await this.buckets('minute', scope, lastFullHourEnd, end)
    return [...head, ...middle, ...tail]
  }

  /** Trending now, highest decayed score first: this epoch's set plus the last one's, decayed to now. */
  async trending(kind: 'posts' | 'communities', scope: string, limit: number, nowMs = Date.now()) {
    const epoch = Math.floor(nowMs / EPOCH_MS)
    const key = (e: number) => (kind === 'posts' ? keys.trendingPosts(scope, e) : keys.trendingCommunities(e))
    const scores = new Map<string, number>()
    for (const e of [epoch - 1, epoch]) {
      const toNow = 2 ** (-(nowMs - e * EPOCH_MS) / HALF_LIFE_MS)
      for (const { member, score } of await this.cache.zRevRangeWithScores(key(e), 0, limit * 3 - 1)) scores.set(member, (scores.get(member) ?? 0) + score * toNow)
    }
    return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
  }

  /** Sums buckets: a convenience for callers that want one total. */
  static total(buckets: Array<{ counters: Counters }>): Counters {
    return buckets.reduce((sum, b) => addInto(sum, b.counters), {} as Counters)
  }
}

/** The speed-layer consumer's handler, for a batch of events the persister applied. */
export async function recordEvents(ports: { cache: Cache }, events: CloudEvent[]) {
  await new SpeedLayer(ports.cache).recordMany(events)
}
