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
  /** By actor, subject and key, the accepted commands whose outcome has not come yet. */
  private readonly inflight = new Map<string, Set<Promise<void>>>()

  constructor(private readonly ports: Pick<Ports, 'bus' | 'store'>) {
    this.waiters = new OutcomeWaiters(ports.bus)
  }

  async publish(pending: PendingEvent) {
    await this.ports.bus.publish(topicFor(pending), [{ key: pending.key, value: JSON.stringify(pending.event), headers: { 'ce-type': pending.event.type } }])
  }

  /** Publishes with a waiter registered first, so the outcome cannot slip past; resolves at Kafka's ack. */
  private async send(pending: PendingEvent): Promise<{ outcome: Promise<Applied | null> }> {
    await this.waiters.start()
    const outcome = this.waiters.expect(pending.event.id, this.timeoutMs)
    await this.publish(pending)
    return { outcome }
  }

  /**
   * A read by id that should see a write accepted here: when it finds nothing while that write is
   * still on its way, it waits for the push and reads once more.
   */
  async readAfterPending<T>(id: string, read: () => Promise<T | null>): Promise<T | null> {
    const found = await read()
    if (found || !this.hasInFlight(id)) return found
    await this.settled(id)
    return read()
  }

  /** Publish, then wait for the outcome: a rejected event becomes the domain error it stands for. */
  async commit(pending: PendingEvent): Promise<Applied> {
    const { outcome } = await this.send(pending)
    // A push that did not come in time (this process joined the stream as the event was applied,
    // say) is looked up once in the log before the command answers "accepted": one read, no loop.
    const applied = await outcome ?? await this.recorded(pending)
    if (!applied) throw new DomainError('accepted', 'Your change is accepted and will appear shortly')
    if (applied.status === 'rejected') throw new DomainError('conflict', applied.reason ?? 'This change conflicts with the current state')
    return applied
  }

  /**
   * For a command nothing downstream can reject (a new post, reply, reaction, share or chat
   * message, checked here first): answers as soon as Kafka has it, acks=all. The outcome still
   * comes by push; until it has (and `afterApplied` has run), the actor's next request waits in
   * `settled`, so what they read next already holds their write (read-your-writes).
   */
  async accept(pending: PendingEvent, afterApplied?: () => Promise<void>): Promise<void> {
    const { outcome } = await this.send(pending)
    const settling: Promise<void> = outcome.then(async (applied) => {
      if (applied?.status === 'rejected') console.warn(`[publisher] ${pending.event.type} ${pending.event.id} was accepted, then rejected: ${applied.reason}`)
      if (applied?.status === 'applied') await afterApplied?.()
    }).catch((error: Error) => console.warn(`[publisher] after ${pending.event.id}: ${error.message}`))
    // Known by who wrote it, what it is about and where it goes (a post's id, its community).
    for (const name of new Set([pending.event.actorid ?? '', pending.event.subject ?? '', pending.key])) this.track(name, settling)
  }

  /** Resolves when everything accepted here has been applied (or timed out): before shutting down. */
  async drained(): Promise<void> {
    await Promise.all([...this.inflight.values()].flatMap(open => [...open]))
  }

  private track(name: string, settling: Promise<void>) {
    if (!name) return
    const open = this.inflight.get(name) ?? new Set<Promise<void>>()
    this.inflight.set(name, open)
    open.add(settling)
    void settling.finally(() => {
      open.delete(settling)
      if (!open.size && this.inflight.get(name) === open) this.inflight.delete(name)
    })
  }

  /**
   * Resolves when every command accepted here by this actor, about this subject or under this
   * key (a post, a community, a room) has been applied (or timed out): a read waits for the
   * writes it should see.
   */
  async settled(...names: string[]): Promise<void> {
    const open = names.flatMap(name => [...this.inflight.get(name) ?? []])
    if (open.length) await Promise.all(open)
  }

  /** Whether a command accepted here by this actor, or about or under this id, is not applied yet. */
  hasInFlight(name: string) { return !!this.inflight.get(name)?.size }

  private async recorded(pending: PendingEvent): Promise<Applied | null> {
    const record = await eventLog(this.ports.store).findOne({ _id: pending.event.id })
    return record ? { event: pending.event, status: record.status, ...(record.reason ? { reason: record.reason } : {}) } : null
  }
}
