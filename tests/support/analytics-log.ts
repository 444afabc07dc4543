import type { EventRecord } from '../../core/pipeline/event-log'
import type { SearchIndex } from '../../core/ports'
import type { CohortDoc, HourDoc } from '../../core/analytics/engine'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** A small seeded generator (mulberry32): the same seed gives the same log on every machine. */
function random(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface GeneratedLog {
  records: EventRecord[]
  /** How many records the generator made malformed on purpose (bad time, unknown type, data that is no object). */
  malformed: number
}

const WORDS = ['harbour', 'lantern', 'quiet', 'morning', 'tide', 'market', 'garden', 'bridge', 'winter', 'signal', 'paper', 'orchard']

/**
 * An event log as the persister writes it, over `days` days before `endMs`: sign-ups, communities,
 * joins and leaves, posts and replies with realistic bodies, reactions, shares, chat, and what the
 * batch must not count or trip over: edits and deletes (types analytics ignores), events that
 * arrived late (recorded long after their time), redeliveries of an event (the log keeps one
 * record per id; a redelivery the domain refused is a rejected record), and malformed records.
 */
export function generateLog(options: { events: number, endMs: number, days?: number, seed?: number }): GeneratedLog {
  const rnd = random(options.seed ?? 13)
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!
  const span = (options.days ?? 21) * DAY
  const startMs = options.endMs - span
  const records: EventRecord[] = []
  let serial = 0
  let malformed = 0
  const at = () => startMs + Math.floor(rnd() * span)
  const push = (type: string, time: number, data: Record<string, unknown>, extra: Partial<EventRecord> = {}) => {
    const id = `ev${(serial++).toString(36).padStart(6, '0')}`
    // Late events: their time is hours before they reached the log.
    const recorded = time + (rnd() < 0.05 ? Math.floor(rnd() * 2 * DAY) : 50)
    records.push({ _id: id, topic: `c18n.${type.split('.')[1]}s`, type, subject: String(data.id ?? id), time: new Date(time).toISOString(), data, status: 'applied', recordedAt: new Date(recorded).toISOString(), ...extra })
    return id
  }
  const sentence = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ')

  const users = Array.from({ length: 120 }, (_, i) => `u${i}`)
  for (const user of users) push('c18n.user.registered', at(), { id: user, handle: `person${user}`, displayName: `Person ${user}` })
  const communities = Array.from({ length: 6 }, (_, i) => `c${i}`)
  for (const id of communities) push('c18n.community.created', at(), { id, slug: `place-${id}`, name: `Place ${id}`, ownerId: pick(users), visibility: 'public' })
  const posts: Array<{ id: string, communityId: string }> = []
  while (records.length < options.events) {
    const roll = rnd()
    const communityId = pick(communities)
    const user = pick(users)
    const time = at()
    if (roll < 0.08) push('c18n.membership.joined', time, { communityId, userId: user })
    else if (roll < 0.1) push('c18n.membership.left', time, { communityId, userId: user })
    else if (roll < 0.4 || !posts.length) {
      const parent = posts.length && rnd() < 0.4 ? pick(posts) : null
      const id = `p${serial}`
      push('c18n.post.created', time, { id, communityId: parent?.communityId ?? communityId, authorId: user, parentId: parent?.id ?? null, rootId: parent?.id ?? id, title: parent ? '' : sentence(5), body: sentence(40), tags: [pick(WORDS)] })
      posts.push({ id, communityId: parent?.communityId ?? communityId })
    }
    else if (roll < 0.62) {
      const post = pick(posts)
      const data = { postId: post.id, communityId: post.communityId, userId: user, kind: pick(['like', 'love', 'laugh', 'wow', 'sad'] as const) }
      push('c18n.reaction.added', time, data)
      // A redelivery the domain refused (the reaction already existed): recorded, never counted.
      if (rnd() < 0.05) push('c18n.reaction.added', time, data, { status: 'rejected', reason: 'duplicate' })
    }
    else if (roll < 0.67) push('c18n.share.created', time, { postId: pick(posts).id, communityId, userId: user })
    else if (roll < 0.85) push('c18n.message.sent', time, { id: `m${serial}`, roomId: rnd() < 0.6 ? `community:${communityId}` : `direct:${user}`, authorId: user, parentId: null, body: sentence(12) })
    else if (roll < 0.93) push('c18n.post.edited', time, { id: pick(posts).id, body: sentence(30) })
    else if (roll < 0.97) push('c18n.post.deleted', time, { id: pick(posts).id })
    else {
      malformed++
      const kind = Math.floor(rnd() * 3)
      if (kind === 0) push('c18n.post.created', time, { id: `bad${serial}`, communityId }, { time: '1 day ago' })
      else if (kind === 1) push('not an event type', time, { communityId })
      else push('c18n.reaction.added', time, {}, { data: 'no object' as unknown as Record<string, unknown> })
    }
  }
  return { records, malformed }
}

/** Every view document of a batch index, in a stable order, for comparing two runs or two engines. */
export async function viewDocs(search: SearchIndex, index: string) {
  const hours = await search.search<HourDoc>(index, { filters: { kind: 'hour' }, sort: { field: 'start', order: 'asc' }, size: 10_000 })
  const cohorts = await search.search<CohortDoc>(index, { filters: { kind: 'cohort' }, sort: { field: 'start', order: 'asc' }, size: 10_000 })
  const key = (d: { scope: string, start: string }) => `${d.scope}|${d.start}`
  const sortCounters = (doc: HourDoc) => ({ ...doc, counters: Object.fromEntries(Object.entries(doc.counters).sort(([a], [b]) => a.localeCompare(b))) })
  return {
    hours: hours.hits.map(h => sortCounters(h.source)).sort((a, b) => key(a).localeCompare(key(b))),
    cohorts: cohorts.hits.map(h => h.source).sort((a, b) => key(a).localeCompare(key(b))),
    total: hours.total + cohorts.total,
  }
}

/** A copy of the records in another order (the same seeded shuffle for the same seed). */
export function shuffled<T>(items: T[], seed: number): T[] {
  const rnd = random(seed)
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j]!, copy[i]!]
  }
  return copy
}
