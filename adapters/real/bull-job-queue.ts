import { Queue, Worker } from 'bullmq'
import { Redis } from 'ioredis'
import type { JobHandler, JobOptions, JobQueue } from '../../core/ports/job-queue'

const PREFIX = 'c18n-jobs'

/** BullMQ on Redis: deduplicated job ids, exponential retries, job schedulers for repeats. */
export class BullJobQueue implements JobQueue {
  readonly kind = 'bullmq'
  private readonly connection: Redis
  private readonly queues = new Map<string, Queue>()
  private readonly workers = new Set<Worker>()

  constructor(readonly url: string) {
    // BullMQ's workers block on Redis: they need a connection that never gives up retrying.
    this.connection = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null })
  }

  async connect() {
    await this.connection.connect()
    await this.connection.ping()
  }

  private queue(name: string): Queue {
    if (!this.queues.has(name)) this.queues.set(name, new Queue(name, { connection: this.connection, prefix: PREFIX }))
    return this.queues.get(name)!
  }

  async add<T>(queue: string, name: string, data: T, options: JobOptions = {}) {
    const job = await this.queue(queue).add(name, data, {
      jobId: options.jobId, delay: options.delayMs, attempts: options.attempts ?? 3,
      backoff: { type: 'exponential', delay: 100 }, removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 },
    })
    return job.id!
  }

  async repeat<T>(queue: string, name: string, data: T, everyMs: number) {
    await this.queue(queue).upsertJobScheduler(name, { every: everyMs }, { name, data })
  }

  async process<T>(queue: string, handler: JobHandler<T>) {
    const worker = new Worker(queue, async (job) => {
      await handler({ id: job.id!, name: job.name, data: job.data as T, attempt: job.attemptsMade + 1 })
    }, { connection: this.connection.duplicate(), prefix: PREFIX, concurrency: 1 })
    worker.on('error', error => console.warn(`[jobs] ${queue}: ${error.message}`))
    this.workers.add(worker)
    return async () => {
      this.workers.delete(worker)
      await worker.close()
    }
  }

  async counts(queue: string) {
    const c = await this.queue(queue).getJobCounts('waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed')
    return { waiting: (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, completed: c.completed ?? 0, failed: c.failed ?? 0 }
  }

  async ping() {
    try {
      return (await this.connection.ping()) === 'PONG'
    }
    catch {
      return false
    }
  }

  async close() {
    await Promise.allSettled([...this.workers].map(w => w.close()))
    await Promise.allSettled([...this.queues.values()].map(q => q.close()))
    await this.connection.quit().catch(() => this.connection.disconnect())
  }
}
