import { randomUUID } from 'node:crypto'
import type { DeliveredMessage, EventBus, Subscription } from '../ports'
import { AGGREGATES, namespace, topicOf } from '../../shared/schemas/events'
import { APPLIED_ID_HEADER, type Applied, appliedOf } from './applied'

/**
 * Each app process's ear on the applied stream: a consumer group of its own (starting at the
 * end), which hands every outcome a command waits for to its waiter, by event id. Nothing is
 * read from the store: the persister pushes the outcome when it has applied the event.
 */
export class OutcomeWaiters {
  private readonly waiting = new Map<string, (outcome: Applied) => void>()
  private started: Promise<Subscription> | null = null
  private readonly listeners: Array<(topic: string, key: string) => void> = []
  /** True while this process hears the applied stream: caches kept by it may serve only then. */
  listening = false

  /** Told of every applied message (its topic and key) before any waiter: for caches to forget what changed. */
  onApplied(listener: (topic: string, key: string) => void) {
    this.listeners.push(listener)
  }

  constructor(private readonly bus: EventBus) {}

  /** Joins the applied stream once; resolves when this process gets its partitions. */
  start(): Promise<Subscription> {
    this.started ??= this.bus.subscribeBatch({
      groupId: `${namespace()}.outcomes.${randomUUID()}`,
      topics: AGGREGATES.map(a => appliedOf(topicOf(a))),
      fromBeginning: false,
      awaitAssignment: true,
    }, async messages => this.deliver(messages)).then((subscription) => {
      this.listening = true
      return subscription
    }, (error) => {
      this.started = null
      throw error
    })
    return this.started
  }

  private async deliver(messages: DeliveredMessage[]) {
    for (const message of messages) {
      for (const listener of this.listeners) listener(message.topic, message.key)
      // The header names the event: only an awaited outcome is parsed.
      const resolve = this.waiting.get(message.headers?.[APPLIED_ID_HEADER] ?? '')
      if (resolve) resolve(JSON.parse(message.value) as Applied)
    }
  }

  /**
   * Registers a waiter before the event is published (so its outcome cannot slip past), and
   * returns the outcome, or null when none came within the time.
   */
  expect(eventId: string, timeoutMs: number): Promise<Applied | null> {
    return new Promise<Applied | null>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(eventId)
        resolve(null)
      }, timeoutMs)
      this.waiting.set(eventId, (outcome) => {
        clearTimeout(timer)
        this.waiting.delete(eventId)
        resolve(outcome)
      })
    })
  }

  async stop() {
    const subscription = await this.started?.catch(() => null)
    this.started = null
    this.listening = false
    await subscription?.stop()
  }
}
