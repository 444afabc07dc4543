import { randomUUID } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { DatabaseSync } from 'node:sqlite'
import type { JobHandler, JobOptions, JobQueue } from '../../core/ports/job-queue'
import { setTimeout as sleep } from 'node:timers/promises'
import { openDatabase } from './sqlite'

const POLL_MS = 200

/** BullMQ's model in SQLite: deduplicated jobs, retries with backoff, repeatable schedules. */
export class EmbeddedJobQueue implements JobQueue {
  readonly kind = 'embedded-sqlite'
  private readonly db: DatabaseSync
  private readonly wakeUp = new EventEmitter().setMaxListeners(0)
  private readonly timers = new Set<NodeJS.Timeout>()
  private readonly workers = new Set<() => Promise<void>>()

  constructor(file: string) {
    this.db = openDatabase(file)
    this.db.exec(`CREATE TABLE IF NOT EXISTS jobs (id TEXT PRIMARY KEY, queue TEXT, name TEXT, data TEXT, state TEXT,
      attempt INTEGER DEFAULT 0, max_attempts INTEGER, run_at INTEGER, error TEXT, created_at INTEGER);
      CREATE INDEX IF NOT EXISTS jobs_ready ON jobs (queue, state, run_at);`)
    // A job that was running when the process died runs again: at-least-once.
    this.db.exec(`UPDATE jobs SET state = 'waiting' WHERE state = 'active'`)
  }

  async add<T>(queue: string, name: string, data: T, options: JobOptions = {}) {
    const id = options.jobId ?? randomUUID()
    this.db.prepare(`INSERT OR IGNORE INTO jobs (id, queue, name, data, state, max_attempts, run_at, created_at)
      VALUES (?, ?, ?, ?, 'waiting', ?, ?, ?)`).run(id, queue, name, JSON.stringify(data), options.attempts ?? 3, Date.now() + (options.delayMs ?? 0), Date.now())
    this.wakeUp.emit(queue)
    return id
  }

  async repeat<T>(queue: string, name: string, data: T, everyMs: number) {
    const key = `${queue}:${name}`
    const schedule = () => {
      const slot = Math.floor(Date.now() / everyMs)
      void this.add(queue, name, data, { jobId: `repeat:${key}:${slot}` })
    }
    schedule()
    const timer = setInterval(schedule, everyMs)
    timer.unref()
    this.timers.add(timer)
  }

  private claim(queue: string) {
    const row = this.db.prepare(`UPDATE jobs SET state = 'active', attempt = attempt + 1 WHERE id =
      (SELECT id FROM jobs WHERE queue = ? AND state = 'waiting' AND run_at <= ? ORDER BY run_at LIMIT 1) RETURNING *`).get(queue, Date.now())
    return row ?? null
  }

  async process<T>(queue: string, handler: JobHandler<T>) {
    let stopped = false
    let wake = () => {}
    const onAdd = () => wake()
    this.wakeUp.on(queue, onAdd)
    const loop = (async () => {
      while (!stopped) {
        const row = this.claim(queue)
        if (!row) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, POLL_MS)
            wake = () => {
              clearTimeout(timer)
              resolve()
            }
          })
          continue
        }
        const attempt = Number(row.attempt)
        const id = row.id as string
        try {
          await handler({ id, name: row.name as string, data: JSON.parse(row.data as string) as T, attempt })
          this.db.prepare(`UPDATE jobs SET state = 'completed', error = NULL WHERE id = ?`).run(id)
        }
        catch (error) {
          const failed = attempt >= Number(row.max_attempts)
          this.db.prepare(`UPDATE jobs SET state = ?, error = ?, run_at = ? WHERE id = ?`)
            .run(failed ? 'failed' : 'waiting', (error as Error).message, Date.now() + 100 * 2 ** attempt, id)
          if (!failed) await sleep(0)
        }
      }
    })()
    const stop = async () => {
      stopped = true
      wake()
      await loop
      this.wakeUp.off(queue, onAdd)
      this.workers.delete(stop)
    }
    this.workers.add(stop)
    return stop
  }

  async counts(queue: string) {
    const counts = { waiting: 0, active: 0, completed: 0, failed: 0 }
    for (const row of this.db.prepare('SELECT state, COUNT(*) AS n FROM jobs WHERE queue = ? GROUP BY state').all(queue)) {
      counts[row.state as keyof typeof counts] = Number(row.n)
    }
    return counts
  }

  async ping() {
    return this.db.isOpen
  }

  async close() {
    for (const timer of this.timers) clearInterval(timer)
    await Promise.all([...this.workers].map(stop => stop()))
    if (this.db.isOpen) this.db.close()
  }
}
