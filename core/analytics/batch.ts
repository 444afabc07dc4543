import type { DocumentStore, Ports } from '../ports'
import { BATCH_MAPPING, type BatchEngine } from './engine'
import { EmbeddedBatchEngine } from './embedded-engine'
import { MINUTE_MS, floorTo } from './facts'

export { BATCH_MAPPING, type CohortDoc, type HourDoc } from './engine'
export { weekStart } from './embedded-engine'

/**
 * The batch layer: recomputes the batch views from the immutable event log up to a cut-off, into
 * a fresh index per run, and switches the serving layer over only when the run is complete. A run
 * that dies leaves the previous views serving; the next attempt starts it again from a clean index.
 * A cut-off already computed is not computed again.
 */

/** Events this recent may still be on their way to the log: the cut-off stays this far behind now. */
export const SETTLE_MS = 60_000

export interface RunDoc {
  _id: string
  cutoff: string
  index: string
  /** Which engine computed it: the in-process one or Spark. */
  engine: BatchEngine['name']
  status: 'running' | 'done' | 'abandoned'
  startedAt: string
  finishedAt: string | null
  durationMs: number | null
  events: number
  /** Malformed events of the log that the run counted and left out. */
  malformed: number
  /** Why the last attempt failed, while it is being retried or after it gave up. */
  error: string | null
  /** How many times it was started again after an interruption (each time from a clean index). */
  resumed: number
}
/** The run queries read; the one before stays one more run, for queries that began on it. */
interface CurrentDoc { _id: 'current', runId: string, cutoff: string, index: string, previousIndex: string | null }

export const runs = (store: DocumentStore) => store.collection<RunDoc>('analytics_runs')
const state = (store: DocumentStore) => store.collection<CurrentDoc>('analytics_state')

/** The batch run the serving layer reads now, or null before the first one. */
export async function currentRun(store: DocumentStore): Promise<{ runId: string, cutoffMs: number, index: string } | null> {
  const doc = await state(store).findOne({ _id: 'current' })
  return doc ? { runId: doc.runId, cutoffMs: Date.parse(doc.cutoff), index: doc.index } : null
}

export interface BatchOptions {
  /** Minute-aligned; by default a minute boundary SETTLE_MS behind now. */
  cutoffMs?: number
  /** Stops the run with an error after this many events, as a crash would (tests of interrupted runs). */
  interruptAfterEvents?: number
  /** The engine for this run; by default the service's (Spark when SPARK_MASTER is set). */
  engine?: BatchEngine
  log?: (line: string) => void
  /** The clock the run's times are read from (tests pass a fake one). */
  now?: () => number
}

export interface BatchResult { runId: string, cutoff: string, engine: BatchEngine['name'], events: number, malformed: number, durationMs: number, resumed: boolean, skipped: boolean }

/** Recomputes every batch view from the event log up to the cut-off. */
export async function runBatch(ports: Pick<Ports, 'store' | 'search'>, options: BatchOptions = {}): Promise<BatchResult> {
  const { store, search } = ports
  const engine = options.engine ?? new EmbeddedBatchEngine(ports)
  const log = options.log ?? (() => {})
  const now = options.now ?? Date.now
  const started = now()
  const cutoffMs = floorTo(options.cutoffMs ?? started - SETTLE_MS, MINUTE_MS)
  const cutoff = new Date(cutoffMs).toISOString()
  const runId = `run-${cutoffMs.toString(36)}`

  // One run at a time: an unfinished one for another cut-off is given up, its index dropped.
  for (const other of await runs(store).find({ status: 'running' })) {
    if (other._id === runId) continue
    await runs(store).updateOne({ _id: other._id }, { $set: { status: 'abandoned', finishedAt: new Date(now()).toISOString() } })
    await search.dropIndex(other.index)
  }
  const existing = await runs(store).findOne({ _id: runId })
  if (existing?.status === 'done') {
    log(`batch ${runId}: cut-off ${cutoff} is already computed`)
    return { runId, cutoff, engine: existing.engine ?? engine.name, events: existing.events, malformed: existing.malformed ?? 0, durationMs: 0, resumed: false, skipped: true }
  }
  const index = `analytics-${runId}`
  // An attempt that died half way left a partial index: start again from an empty one.
  const restarted = !!existing && existing.status !== 'abandoned'
  await search.dropIndex(index)
  await runs(store).replaceOne({
    _id: runId, cutoff, index, engine: engine.name, status: 'running', startedAt: existing?.startedAt ?? new Date(started).toISOString(), finishedAt: null,
    durationMs: null, events: 0, malformed: 0, error: null, resumed: (existing?.resumed ?? 0) + (restarted ? 1 : 0),
  })
  if (restarted) log(`batch ${runId}: starting again after an interrupted attempt`)
  await search.ensureIndex(index, BATCH_MAPPING)

  let counts
  try {
    counts = await engine.compute({ runId, cutoffMs, index, log, interruptAfterEvents: options.interruptAfterEvents })
  }
  catch (error) {
    // The run stays 'running' (the queue retries it); the serving layer keeps the previous views.
    await runs(store).updateOne({ _id: runId }, { $set: { error: (error as Error).message.slice(0, 2000) } })
    throw error
  }
  await search.refresh(index)

  // The switch: from here on queries read this run's views. The previous run's index stays for
  // queries already under way on it; the one before that goes.
  const previous = await state(store).findOne({ _id: 'current' })
  const keep = previous && previous.index !== index ? previous.index : previous?.previousIndex ?? null
  await state(store).replaceOne({ _id: 'current', runId, cutoff, index, previousIndex: keep })
  for (const old of [previous?.previousIndex, previous?.index]) if (old && old !== index && old !== keep) await search.dropIndex(old)
  const finished = now()
  const durationMs = finished - Date.parse((await runs(store).findOne({ _id: runId }))?.startedAt ?? new Date(started).toISOString())
  await runs(store).updateOne({ _id: runId }, { $set: { status: 'done', finishedAt: new Date(finished).toISOString(), durationMs, events: counts.events, malformed: counts.malformed, error: null } })
  log(`batch ${runId} (${engine.name}): ${counts.events} events up to ${cutoff}, ${counts.malformed} malformed skipped, in ${finished - started} ms${restarted ? ' (started again)' : ''}`)
  return { runId, cutoff, engine: engine.name, events: counts.events, malformed: counts.malformed, durationMs: finished - started, resumed: restarted, skipped: false }
}
