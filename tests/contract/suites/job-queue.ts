import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobQueue } from '../../../core/ports'
import { eventually, unique } from './wait'

/** What every job queue must do: run jobs once per id, retry failures, run schedules. */
export function jobQueueContract(label: string, open: () => Promise<JobQueue>) {
  describe(`job queue contract: ${label}`, () => {
    let jobs: JobQueue
    beforeAll(async () => { jobs = await open() })
    afterAll(async () => { await jobs?.close() })

    it('runs each added job once, and a job id only once', async () => {
      const queue = unique('contract-q')
      const ran: string[] = []
      const stop = await jobs.process<{ n: number }>(queue, async (job) => { ran.push(`${job.name}:${job.data.n}`) })
      await jobs.add(queue, 'work', { n: 1 })
      await jobs.add(queue, 'work', { n: 2 }, { jobId: 'same' })
      await jobs.add(queue, 'work', { n: 3 }, { jobId: 'same' })
      await eventually(() => expect(ran.sort()).toEqual(['work:1', 'work:2']), 15_000)
      await eventually(async () => expect((await jobs.counts(queue)).completed).toBe(2), 15_000)
      await stop()
    })

    it('retries a failing job and records a job that keeps failing', async () => {
      const queue = unique('contract-q')
      const attempts: number[] = []
      const stop = await jobs.process(queue, async (job) => {
        attempts.push(job.attempt)
        if (job.name === 'flaky' && job.attempt < 2) throw new Error('try again')
        if (job.name === 'broken') throw new Error('always fails')
      })
      await jobs.add(queue, 'flaky', {}, { attempts: 3 })
      await jobs.add(queue, 'broken', {}, { attempts: 2 })
      await eventually(async () => expect(await jobs.counts(queue)).toMatchObject({ completed: 1, failed: 1 }), 20_000)
      expect(attempts.filter(a => a === 1)).toHaveLength(2)
      await stop()
    })

    it('runs a repeatable job on its interval', async () => {
      const queue = unique('contract-q')
      let runs = 0
      const stop = await jobs.process(queue, async () => { runs++ })
      await jobs.repeat(queue, 'tick', {}, 500)
      await jobs.repeat(queue, 'tick', {}, 500)
      await eventually(() => expect(runs).toBeGreaterThanOrEqual(2), 15_000)
      await stop()
    })

    it('answers ping', async () => {
      expect(await jobs.ping()).toBe(true)
    })
  })
}
