import type { Ports } from '../ports'
import { setTimeout as sleep } from 'node:timers/promises'
import { DomainError } from '../domain/errors'
import { type EventRecord, eventLog } from './event-log'
import { type PendingEvent, topicFor } from './events'

const OUTCOME_TIMEOUT_MS = Number(process.env.C18N_WRITE_TIMEOUT_MS ?? 10_000)

/**
 * Publishes a command's event and waits until the persister has recorded what it did, so the
 * author reads their own write at once (read-your-writes) although persistence is asynchronous.
 */
export class EventPublisher {
  /** How long a write waits for its outcome before answering "accepted, will appear shortly". */
  timeoutMs = OUTCOME_TIMEOUT_MS

  constructor(private readonly ports: Pick<Ports, 'bus' | 'store'>) {}

  async publish(pending: PendingEvent) {
    await this.ports.bus.publish(topicFor(pending), [{ key: pending.key, value: JSON.stringify(pending.event), headers: { 'ce-type': pending.event.type } }])
  }

  async outcome(eventId: string, timeoutMs = this.timeoutMs): Promise<EventRecord | null> {
    const deadline = Date.now() + timeoutMs
    for (let wait = 5; Date.now() < deadline; wait = Math.min(wait * 2, 50)) {
      const record = await eventLog(this.ports.store).findOne({ _id: eventId })
      if (record) return record
      await sleep(wait)
    }
    return null
  }

  /** Publish, then wait for the outcome: a rejected event becomes the domain error it stands for. */
  async commit(pending: PendingEvent): Promise<EventRecord> {
    await this.publish(pending)
    const record = await this.outcome(pending.event.id)
    if (!record) throw new DomainError('accepted', 'Your change is accepted and will appear shortly')
    if (record.status === 'rejected') throw new DomainError('conflict', record.reason ?? 'This change conflicts with the current state')
    return record
  }
}
