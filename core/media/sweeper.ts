import type { JobQueue, OutgoingMessage, Ports } from '../ports'
import { topicOf } from '../../shared/schemas/events'
import { deployment } from '../analytics/speed'
import { newEvent } from '../pipeline/events'
import type { MediaDoc } from './model'

const SWEEP_BATCH = 500

/** One schedule per deployment (BullMQ queue names take no colons). */
export const mediaQueue = () => `${deployment().replaceAll(':', '.')}.media`

/**
 * Uploads never confirmed before their ticket expired get a tombstone, in one produce call; the
 * media consumer then removes whatever bytes they left in the store. Returns how many.
 */
export async function sweepUnconfirmed(ports: Pick<Ports, 'store' | 'bus'>, now: number = Date.now()): Promise<number> {
  const expired = await ports.store.collection<MediaDoc>('media').find({ state: 'requested', expiresAt: { $lt: new Date(now).toISOString() } }, { limit: SWEEP_BATCH })
  if (!expired.length) return 0
  const messages: OutgoingMessage[] = expired.map((doc) => {
    const pending = newEvent('media', 'media.deleted', doc._id, doc._id, { id: doc._id, reason: 'expired' }, 'media-sweeper')
    return { key: pending.key, value: JSON.stringify(pending.event), headers: { 'ce-type': pending.event.type } }
  })
  await ports.bus.publish(topicOf('media'), messages)
  return expired.length
}

/** The sweep as a repeatable job, every C18N_MEDIA_SWEEP_MS (10 minutes by default), where the consumers run. */
export async function startMediaSweeper(jobs: JobQueue, ports: Pick<Ports, 'store' | 'bus'>, log: (line: string) => void = () => {}) {
  const everyMs = Number(process.env.C18N_MEDIA_SWEEP_MS ?? 10 * 60_000)
  const stop = await jobs.process(mediaQueue(), async (job) => {
    if (job.name !== 'sweep') return
    const swept = await sweepUnconfirmed(ports)
    if (swept) log(`media sweep: ${swept} unconfirmed uploads expired`)
  })
  await jobs.repeat(mediaQueue(), 'sweep', {}, everyMs)
  return stop
}
