import type { EventRecord } from '../pipeline/event-log'
import type { Counters } from './facts'

/**
 * A batch engine computes every batch view of the immutable event log up to a cut-off into one
 * fresh index. The run's bookkeeping (run documents, the switch of the serving layer, clean-up)
 * is the same for every engine (batch.ts); engines differ only in where the counting happens: in
 * this process (embedded mode) or on a Spark cluster (real mode).
 */
export interface BatchEngine {
  readonly name: 'embedded' | 'spark'
  compute(job: BatchJob): Promise<BatchCounts>
}

export interface BatchJob {
  runId: string
  cutoffMs: number
  /** The run's index, created empty with BATCH_MAPPING; the engine fills it and nothing else. */
  index: string
  log: (line: string) => void
  /** Tests of interrupted runs: stop with an error after this many events, as a crash would. */
  interruptAfterEvents?: number
}

export interface BatchCounts {
  /** Events of the log before the cut-off that the run read. */
  events: number
  /** Of those, malformed ones (no valid time, type or data): counted here and left out of every view. */
  malformed: number
}

export const BATCH_MAPPING = { kind: 'keyword', scope: 'keyword', start: 'date' } as const

export interface HourDoc { kind: 'hour', scope: string, start: string, counters: Counters, members: number }
export interface CohortDoc { kind: 'cohort', scope: string, start: string, size: number, eligible7: number, retained7: number, eligible30: number, retained30: number }

export const hourId = (doc: HourDoc) => `h|${doc.scope}|${doc.start}`
export const cohortId = (doc: CohortDoc) => `c|${doc.scope}|${doc.start}`

/** How the log's timestamps are written (toISOString); anything else is malformed. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/
const EVENT_TYPE = /^c18n\.[a-z]+\.[a-z_]+$/

/**
 * Why an event of the log cannot be counted, or null when it can. The Spark job applies the same
 * rules (analytics/spark/batch_views.py), so both engines skip the same events.
 */
export function malformed(record: Pick<EventRecord, 'type' | 'time' | 'data'>): string | null {
  if (typeof record.type !== 'string' || !EVENT_TYPE.test(record.type)) return 'unknown type'
  if (typeof record.time !== 'string' || !ISO_INSTANT.test(record.time) || Number.isNaN(Date.parse(record.time))) return 'no valid time'
  if (typeof record.data !== 'object' || record.data === null || Array.isArray(record.data)) return 'data is not an object'
  return null
}

/** Skipped events are logged one by one up to this many per run, then only counted. */
export const SKIP_LOG_LIMIT = 20
