import type { Ports } from '../ports'
import { type EventRecord, eventLog } from '../pipeline/event-log'
import { type BatchCounts, type BatchEngine, type BatchJob, type CohortDoc, type HourDoc, SKIP_LOG_LIMIT, cohortId, hourId, malformed } from './engine'
import { type Counters, DAY_MS, HOUR_MS, SITE, addInto, countersOf, factOf, floorTo, memberDelta, scopesOf } from './facts'

const PAGE = 5000
const FLUSH_DOCS = 1000

const MONDAY_OFFSET = 4 * DAY_MS // 1970-01-01 was a Thursday
export const weekStart = (ms: number) => floorTo(ms - MONDAY_OFFSET, 7 * DAY_MS) + MONDAY_OFFSET

/**
 * The sums of one run. Every view is a sum, a minimum or a maximum, so the log is read in whatever
 * order the store returns it: no sort (a server that cannot sort by an index, FerretDB here, would
 * sort the whole log in memory).
 */
export class ViewSums {
  /** `${scope}|${hourMs}` → the hour's counters. */
  readonly hours = new Map<string, Counters>()
  /** `${scope}|${userId}` → when the membership began (the first join; for the site, sign-up). */
  readonly joined = new Map<string, number>()
  /** `${scope}|${userId}` → the person's last action there. */
  readonly lastActive = new Map<string, number>()

  add(record: Pick<EventRecord, 'type' | 'time' | 'data'>) {
    const fact = factOf(record)
    if (!fact) return
    const at = Date.parse(record.time)
    const hour = floorTo(at, HOUR_MS)
    const counters = countersOf(fact)
    for (const scope of scopesOf(fact)) {
      const key = `${scope}|${hour}`
      addInto(this.hours.get(key) ?? this.hours.set(key, {}).get(key)!, counters)
    }
    // Retention: members of a community from their first join; for the site, people from sign-up.
    const joined = fact.joinedUserId ?? (record.type === 'c18n.user.registered' ? String(record.data.id) : null)
    if (joined) {
      const key = `${fact.communityId ?? SITE}|${joined}`
      this.joined.set(key, Math.min(this.joined.get(key) ?? at, at))
    }
    if (fact.activeUserId) {
      for (const scope of scopesOf(fact)) {
        const key = `${scope}|${fact.activeUserId}`
        this.lastActive.set(key, Math.max(this.lastActive.get(key) ?? at, at))
      }
    }
  }

  /** Hour documents, with each scope's member count running on in hour order. */
  hourDocs(): HourDoc[] {
    const byScope = new Map<string, Array<[number, Counters]>>()
    for (const [key, counters] of this.hours) {
      const cut = key.lastIndexOf('|')
      const scope = key.slice(0, cut)
      const list = byScope.get(scope) ?? byScope.set(scope, []).get(scope)!
      list.push([Number(key.slice(cut + 1)), counters])
    }
    const docs: HourDoc[] = []
    for (const [scope, list] of byScope) {
      let members = 0
      for (const [hour, counters] of list.sort((a, b) => a[0] - b[0])) {
        members += memberDelta(scope, counters)
        docs.push({ kind: 'hour', scope, start: new Date(hour).toISOString(), counters, members })
      }
    }
    return docs
  }

  cohortDocs(cutoffMs: number): CohortDoc[] {
    const byCohort = new Map<string, CohortDoc>()
    for (const [key, joined] of this.joined) {
      const scope = key.slice(0, key.indexOf('|'))
      const start = new Date(weekStart(joined)).toISOString()
      const id = `${scope}|${start}`
      const cohort = byCohort.get(id) ?? byCohort.set(id, { kind: 'cohort', scope, start, size: 0, eligible7: 0, retained7: 0, eligible30: 0, retained30: 0 }).get(id)!
      cohort.size++
      const lastActive = this.lastActive.get(key) ?? -1
      // Still active after N days: any action on or after day N, among those whose day N has come.
      for (const days of [7, 30] as const) {
        if (joined + days * DAY_MS > cutoffMs) continue
        cohort[`eligible${days}`]++
        if (lastActive >= joined + days * DAY_MS) cohort[`retained${days}`]++
      }
    }
    return [...byCohort.values()]
  }
}

/** The in-process engine of embedded mode: one unordered read of the log, sums in memory, bulk writes. */
export class EmbeddedBatchEngine implements BatchEngine {
  readonly name = 'embedded'

  constructor(private readonly ports: Pick<Ports, 'store' | 'search'>) {}

  async compute(job: BatchJob): Promise<BatchCounts> {
    const sums = new ViewSums()
    const cutoff = new Date(job.cutoffMs).toISOString()
    let events = 0
    let skipped = 0
    for await (const record of eventLog(this.ports.store).stream({ time: { $lt: cutoff } }, { batchSize: PAGE })) {
      events++
      const reason = malformed(record)
      if (reason) {
        if (++skipped <= SKIP_LOG_LIMIT) job.log(`batch ${job.runId}: skipped event ${String(record._id)}: ${reason}`)
      }
      else if (record.status === 'applied') sums.add(record)
      if (job.interruptAfterEvents !== undefined && events >= job.interruptAfterEvents) throw new Error(`batch ${job.runId} interrupted after ${events} events`)
    }
    if (skipped > SKIP_LOG_LIMIT) job.log(`batch ${job.runId}: skipped ${skipped} malformed events in all`)
    const docs = [...sums.hourDocs().map(doc => ({ id: hourId(doc), document: { ...doc } })), ...sums.cohortDocs(job.cutoffMs).map(doc => ({ id: cohortId(doc), document: { ...doc } }))]
    for (let i = 0; i < docs.length; i += FLUSH_DOCS) await this.ports.search.putMany(job.index, docs.slice(i, i + FLUSH_DOCS))
    return { events, malformed: skipped }
  }
}
