/**
 * The job queue port: BullMQ's model. Jobs with the same id are added once;
 * repeatable jobs run on an interval; a failed job is retried with backoff.
 */
export interface JobOptions {
  /** Deduplicates: a job with an id that is waiting or done is not added again. */
  jobId?: string
  delayMs?: number
  attempts?: number
}

export interface JobInfo<T = unknown> { id: string, name: string, data: T, attempt: number }

export type JobHandler<T = unknown> = (job: JobInfo<T>) => Promise<void>

export interface JobQueue {
  readonly kind: string
  add<T>(queue: string, name: string, data: T, options?: JobOptions): Promise<string>
  /** Runs `name` every `everyMs`, one schedule per (queue, name) however often it is called. */
  repeat<T>(queue: string, name: string, data: T, everyMs: number): Promise<void>
  process<T>(queue: string, handler: JobHandler<T>): Promise<() => Promise<void>>
  /** Counts of jobs by state, for health and tests. */
  counts(queue: string): Promise<{ waiting: number, active: number, completed: number, failed: number }>
  ping(): Promise<boolean>
  close(): Promise<void>
}
