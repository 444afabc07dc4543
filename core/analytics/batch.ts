import type { DocumentStore, Ports } from '../ports'
import { type EventRecord, eventLog } from '../pipeline/event-log'
import { type Counters, DAY_MS, HOUR_MS, MINUTE_MS, SITE, addInto, countersOf, factOf, floorTo, memberDelta, scopesOf } from './facts'

/**
 * The batch layer: recomputes the batch views from the immutable event log up to a cut-off, into
 * a fresh index per run, and switches the serving layer over only when the run is complete. A run
 * that dies keeps a checkpoint and the next attempt resumes it; a cut-off already computed is not
 * computed again.
 */

/** Events this recent may still be on their way to the log: the cut-off stays this far behind now. */
export const SETTLE_MS = 60_000
const PAGE = 5000
const FLUSH_DOCS = 1000
export const BATCH_MAPPING = { kind: 'keyword', scope: 'keyword', start: 'date' } as const

export interface RunDoc {
  _id: string
  cutoff: string
  index: string
  status: 'running' | 'done' | 'abandoned'
  startedAt: string
  finishedAt: string | null
  durationMs: number | null
  events: number
  /** How many times it was picked up again after an interruption. */
  resumed: number
}
/** The run queries read; the one before stays one more run, for queries that began on it. */
interface CurrentDoc { _id: 'current', runId: string, cutoff: string, index: string, previousIndex: string | null }
interface CheckpointDoc {
  _id: string
  after: { time: string, id: string }
  events: number
  members: Record<string, number>
  /** `${scope}|${userId}|${joinedMs}|${lastActiveMs}`: flat strings, as FerretDB stores no nested arrays. */
  memberships: string[]
}

export interface HourDoc { kind: 'hour', scope: string, start: string, counters: Counters, members: number }
export interface CohortDoc { kind: 'cohort', scope: string, start: string, size: number, eligible7: number, retained7: number, eligible30: number, retained30: number }

export const runs = (store: DocumentStore) => store.collection<RunDoc>('analytics_runs')
const state = (store: DocumentStore) => store.collection<CurrentDoc | CheckpointDoc>('analytics_state')

/** The batch run the serving layer reads now, or null before the first one. */
export async function currentRun(store: DocumentStore): Promise<{ runId: string, cutoffMs: number, index: string } | null> {
  const doc = await state(store).findOne({ _id: 'current' }) as CurrentDoc | null
  return doc ? { runId: doc.runId, cutoffMs: Date.parse(doc.cutoff), index: doc.index } : null
}

const MONDAY_OFFSET = 4 * DAY_MS // 1970-01-01 was a Thursday
export const weekStart = (ms: number) => floorTo(ms - MONDAY_OFFSET, 7 * DAY_MS) + MONDAY_OFFSET

/** The running sums of one run: the open hour's buckets, member counts, and who joined and was last active when. */
class Aggregate {
  hour = -1
  open = new Map<string, Counters>()
  members: Record<string, number> = {}
  /** `${scope}|${userId}` → [joined at, last active at]. */
  memberships = new Map<string, [number, number]>()
  events = 0

  add(record: EventRecord) {
    const fact = factOf(record)
    if (!fact) return
    const at = Date.parse(record.time)
    const counters = countersOf(fact)
    for (const scope of scopesOf(fact)) addInto(this.open.get(scope) ?? this.open.set(scope, {}).get(scope)!, counters)
    // Retention: members of a community from their first join; for the site, people from sign-up.
    const joined = fact.joinedUserId ?? (record.type === 'c18n.user.registered' ? String(record.data.id) : null)
    if (joined) {
      const key = `${fact.communityId ?? SITE}|${joined}`
      if (!this.memberships.has(key)) this.memberships.set(key, [at, -1])
    }
    if (fact.activeUserId) {
      for (const scope of scopesOf(fact)) {
        const m = this.memberships.get(`${scope}|${fact.activeUserId}`)
        if (m) m[1] = at
      }
    }
  }

  /** The finished hour's documents; the member counts run on. */
  closeHour(): HourDoc[] {
    const docs: HourDoc[] = []
    for (const [scope, counters] of this.open) {
      this.members[scope] = (this.members[scope] ?? 0) + memberDelta(scope, counters)
      docs.push({ kind: 'hour', scope, start: new Date(this.hour).toISOString(), counters, members: this.members[scope] })
    }
    this.open = new Map()
    return docs
  }

  cohorts(cutoffMs: number): CohortDoc[] {
    const byCohort = new Map<string, CohortDoc>()
    for (const [key, [joined, lastActive]] of this.memberships) {
      const scope = key.slice(0, key.indexOf('|'))
      const start = new Date(weekStart(joined)).toISOString()
      const id = `${scope}|${start}`
      const cohort = byCohort.get(id) ?? byCohort.set(id, { kind: 'cohort', scope, start, size: 0, eligible7: 0, retained7: 0, eligible30: 0, retained30: 0 }).get(id)!
      cohort.size++
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

const hourId = (doc: HourDoc) => `h|${doc.scope}|${doc.start}`
const cohortId = (doc: CohortDoc) => `c|${doc.scope}|${doc.start}`

export interface BatchOptions {
  /** Minute-aligned; by default a minute boundary SETTLE_MS behind now. */
  cutoffMs?: number
  /** Milliseconds between checkpoints (0: at every finished hour). */
  checkpointEveryMs?: number
  /** Stops the run with an error after this many events, as a crash would (tests of resuming). */
  interruptAfterEvents?: number
  log?: (line: string) => void
  /** The clock the run's times are read from (tests pass a fake one). */
  now?: () => number
}

export interface BatchResult { runId: string, cutoff: string, events: number, durationMs: number, resumed: boolean, skipped: boolean }

/** Recomputes every batch view from the event log up to the cut-off. */
export async function runBatch(ports: Pick<Ports, 'store' | 'search'>, options: BatchOptions = {}): Promise<BatchResult> {
  const { store, search } = ports
  const log = options.log ?? (() => {})
  const now = options.now ?? Date.now
  const started = now()
  const cutoffMs = floorTo(options.cutoffMs ?? started - SETTLE_MS, MINUTE_MS)
  const cutoff = new Date(cutoffMs).toISOString()
  const runId = `run-${cutoffMs.toString(36)}`

  // One run at a time: an unfinished one for this cut-off is resumed, one for another is given up.
  for (const other of await runs(store).find({ status: 'running' })) {
    if (other._id === runId) continue
    await runs(store).updateOne({ _id: other._id }, { $set: { status: 'abandoned', finishedAt: new Date(now()).toISOString() } })
    await state(store).deleteOne({ _id: other._id })
    await search.dropIndex(other.index)
  }
  const existing = await runs(store).findOne({ _id: runId })
  if (existing?.status === 'done') {
    log(`batch ${runId}: cut-off ${cutoff} is already computed`)
    return { runId, cutoff, events: existing.events, durationMs: 0, resumed: false, skipped: true }
  }
  const index = `analytics-${runId}`
  const checkpoint = existing?.status === 'running' ? await state(store).findOne({ _id: runId }) as CheckpointDoc | null : null
  const agg = new Aggregate()
  let after = { time: '', id: '' }
  if (checkpoint) {
    after = checkpoint.after
    agg.events = checkpoint.events
    agg.members = checkpoint.members
    agg.memberships = new Map(checkpoint.memberships.map((line) => {
      const [scope, user, joined, last] = line.split('|')
      return [`${scope}|${user}`, [Number(joined), Number(last)]]
    }))
    await runs(store).updateOne({ _id: runId }, { $set: { resumed: (existing?.resumed ?? 0) + 1 } })
    log(`batch ${runId}: resuming after ${checkpoint.events} events`)
  }
  else {
    await search.dropIndex(index)
    await state(store).deleteOne({ _id: runId })
    await runs(store).replaceOne({ _id: runId, cutoff, index, status: 'running', startedAt: new Date(started).toISOString(), finishedAt: null, durationMs: null, events: 0, resumed: 0 })
  }
  await search.ensureIndex(index, BATCH_MAPPING)

  let pending: Array<{ id: string, document: Record<string, unknown> }> = []
  const write = async (force = false) => {
    if (!pending.length || (!force && pending.length < FLUSH_DOCS)) return
    await search.putMany(index, pending)
    pending = []
  }
  let lastCheckpoint = now()
  const saveCheckpoint = async () => {
    await write(true)
    await state(store).replaceOne({ _id: runId, after, events: agg.events, members: agg.members, memberships: [...agg.memberships].map(([key, [joined, last]]) => `${key}|${joined}|${last}`) })
    lastCheckpoint = now()
  }

  // One ordered read of the log per attempt, on (time, _id) so that a resumed run picks up exactly
  // after its checkpoint even within a millisecond. (Paging with a query per page would make a
  // server that cannot sort by an index, FerretDB here, scan the whole log for every page.)
  let handledHere = 0
  const events = eventLog(store).stream({ time: after.time ? { $gte: after.time, $lt: cutoff } : { $lt: cutoff } }, { sort: { time: 1, _id: 1 }, batchSize: PAGE })
  for await (const record of events) {
    if (record.time === after.time && record._id <= after.id) continue
    const hour = floorTo(Date.parse(record.time), HOUR_MS)
    if (hour !== agg.hour) {
      // Everything before this hour is final: write it, and checkpoint now and then.
      for (const doc of agg.closeHour()) pending.push({ id: hourId(doc), document: { ...doc } })
      agg.hour = hour
      await write()
      if (agg.events && now() - lastCheckpoint >= (options.checkpointEveryMs ?? 5000)) await saveCheckpoint()
    }
    if (record.status === 'applied') agg.add(record)
    agg.events++
    after = { time: record.time, id: record._id }
    if (options.interruptAfterEvents !== undefined && ++handledHere >= options.interruptAfterEvents) throw new Error(`batch ${runId} interrupted after ${handledHere} events`)
  }
  for (const doc of agg.closeHour()) pending.push({ id: hourId(doc), document: { ...doc } })
  for (const doc of agg.cohorts(cutoffMs)) pending.push({ id: cohortId(doc), document: { ...doc } })
  await write(true)
  await search.refresh(index)

  // The switch: from here on queries read this run's views. The previous run's index stays for
  // queries already under way on it; the one before that goes.
  const previous = await state(store).findOne({ _id: 'current' }) as CurrentDoc | null
  const keep = previous && previous.index !== index ? previous.index : previous?.previousIndex ?? null
  await state(store).replaceOne({ _id: 'current', runId, cutoff, index, previousIndex: keep })
  for (const old of [previous?.previousIndex, previous?.index]) if (old && old !== index && old !== keep) await search.dropIndex(old)
  const finished = now()
  const durationMs = finished - Date.parse((await runs(store).findOne({ _id: runId }))?.startedAt ?? new Date(started).toISOString())
  await runs(store).updateOne({ _id: runId }, { $set: { status: 'done', finishedAt: new Date(finished).toISOString(), durationMs, events: agg.events } })
  await state(store).deleteOne({ _id: runId })
  log(`batch ${runId}: ${agg.events} events up to ${cutoff} in ${finished - started} ms${checkpoint ? ' (resumed)' : ''}`)
  return { runId, cutoff, events: agg.events, durationMs: finished - started, resumed: !!checkpoint, skipped: false }
}
