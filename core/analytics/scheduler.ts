import type { JobQueue } from '../ports'
import { deployment } from './speed'
import type { BatchOptions, BatchResult } from './batch'

/** How often the batch views are recomputed; C18N_ANALYTICS_BATCH_MS overrides the 10 minutes. */
export const batchEveryMs = () => Number(process.env.C18N_ANALYTICS_BATCH_MS ?? 10 * 60_000)
/** One schedule per deployment (BullMQ queue names take no colons). */
export const analyticsQueue = () => `${deployment().replaceAll(':', '.')}.analytics`

/**
 * Schedules the batch layer as a repeatable job (BullMQ's job scheduler on Redis, the embedded
 * queue's schedule otherwise) and processes it here. A run that fails is retried by the queue,
 * which starts it again from a clean index; the failure is recorded on the run meanwhile.
 */
export async function startBatchScheduler(jobs: JobQueue, run: (options: BatchOptions) => Promise<BatchResult>, log: (line: string) => void = () => {}) {
  const stop = await jobs.process(analyticsQueue(), async (job) => {
    if (job.name === 'batch') await run({ log: line => log(`analytics ${line}`) })
  })
  await jobs.repeat(analyticsQueue(), 'batch', {}, batchEveryMs())
  log(`analytics batch every ${batchEveryMs() / 1000} s on queue ${analyticsQueue()}`)
  return stop
}
