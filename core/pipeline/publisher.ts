import type { Ports } from '../ports'
import { DomainError } from '../domain/errors'
import type { Applied } from './applied'
import { eventLog } from './event-log'
import { type PendingEvent, topicFor } from './events'
import { OutcomeWaiters } from './outcomes'

const OUTCOME_TIMEOUT_MS = Number(process.env.C18N_WRITE_TIMEOUT_MS ?? 10_000)

/**
 * Publishes a command's event and waits for the persister's outcome, pushed on the applied
 * stream, so the author reads their own write at once (read-your-writes) although persistence is
 * asynchronous.
 */
export class EventPublisher {
  /** How long a write waits for its outcome before answering "accepted, will appear shortly". */
  timeoutMs = OUTCOME_TIMEOUT_MS
  readonly waiters: OutcomeWaiters

  constructor(private readonly ports: Pick<Ports, 'bus' | 'store'>) {
    this.waiters = new OutcomeWaiters(ports.bus)
  }

  async publish(pending: PendingEvent) {
    await this.ports.bus.publish(topicFor(pending), [{ key: pending.key, value: JSON.stringify(pending.event), headers: { 'ce-type': pending.event.type } }])
  }

  /** Publish, then wait for the outcome: a rejected event becomes the domain error it stands for. */
  async commit(pending: PendingEvent): Promise<Applied> {
    await this.waiters.start()
    const outcome = this.waiters.expect(pending.event.id, this.timeoutMs)
    await this.publish(pending)
    // A push that did not come in time (this process joined the stream as the event was applied,
    // say) is looked up once in the log before the command answers "accepted": one read, no loop.
    const applied = await outcome ?? await this.recorded(pending)
    if (!applied) throw new DomainError('accepted', 'Your change is accepted and will appear shortly')
    if (applied.status === 'rejected') throw new DomainError('conflict', applied.reason ?? 'This change conflicts with the current state')
    return applied
  }

  private async recorded(pending: PendingEvent): Promise<Applied | null> {
    const record = await eventLog(this.ports.store).findOne({ _id: pending.event.id })
    return record ? { event: pending.event, status: record.status, ...(record.reason ? { reason: record.reason } : {}) } : null
  }
}
