import { ZodError } from 'zod'
import type { DeliveredMessage, EventBus, Subscription } from '../ports'
import { eventDataSchemas } from '../../shared/schemas/event-data'
import { type CloudEvent, cloudEventSchema, dlqOf } from '../../shared/schemas/events'
import { type Applied, appliedSchema, isAppliedTopic } from './applied'
import { GroupCommit, SharedCallFailed } from './group-commit'
import { log } from '../observability/log'

/** Attempts before a failing event goes to the dead-letter topic and the consumer moves on. */
export const MAX_ATTEMPTS = Number(process.env.C18N_MAX_ATTEMPTS ?? 5)
const SLOW_BATCH_MS = Number(process.env.C18N_SLOW_BATCH_MS ?? 2000)

/** One event of a batch: from a source topic, or from an applied topic with its outcome. */
export interface Delivery {
  event: CloudEvent
  message: DeliveredMessage
  /** What the persister did with it: present on applied topics only. */
  outcome?: Omit<Applied, 'event'>
}

export interface ConsumerJob {
  /** The consumer group: one per job, each with its own offsets. */
  group: string
  topics: string[]
  /** Where the group starts when it has no committed offset: the beginning unless it says otherwise. */
  fromBeginning?: boolean
  /** Most events per batch (the bus's default otherwise). */
  maxBatch?: number
  /** The batch's effects, all durable when it resolves: a job gives either this or `handle`. */
  handleBatch?(deliveries: Delivery[]): Promise<void>
  /** One event at a time, for jobs with nothing to gain from batches. */
  handle?(event: CloudEvent, message: DeliveredMessage, delivery: Delivery): Promise<void>
}

const describe = (error: unknown) => (error instanceof ZodError ? error.issues.map(i => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ') : (error as Error).message)
const whereOf = (message: DeliveredMessage) => `${message.topic}/${message.partition}@${message.offset}`
/** The requests a batch's events came from, for its log line. */
const requestIdsOf = (deliveries: Delivery[]) => [...new Set(deliveries.map(d => d.event.requestid).filter(Boolean))]

function letterOf(group: string, message: DeliveredMessage, error: string, attempts: number) {
  const letter = { error, attempts, group, failedAt: new Date().toISOString(), original: { topic: message.topic, partition: message.partition, offset: message.offset, key: message.key, value: message.value } }
  return { key: message.key || 'none', value: JSON.stringify(letter), headers: { 'c18n-error': error.slice(0, 200) } }
}

/** Checks a message once: a source event against its type's data schema, an applied record's shape. */
function parse(message: DeliveredMessage): Delivery {
  const raw = JSON.parse(message.value)
  if (isAppliedTopic(message.topic)) {
    const { event, ...outcome } = appliedSchema.parse(raw) as Applied
    return { event, message, outcome }
  }
  const event = cloudEventSchema.parse(raw) as CloudEvent
  const dataSchema = eventDataSchemas[event.type]
  if (!dataSchema) throw new Error(`unknown event type ${event.type}`)
  dataSchema.parse(event.data)
  return { event, message }
}

/**
 * Runs one job over its topics, a batch at a time: each message is checked once, malformed ones
 * go to `<topic>.dlq` with the error, and the job gets the rest as one batch. When a batch fails,
 * its events are tried one at a time, so that one poison event is found, retried up to
 * MAX_ATTEMPTS times and then dead-lettered without holding the stream. The bus commits the
 * batch's offset only once this resolves.
 */
export async function runConsumer(bus: EventBus, job: ConsumerJob): Promise<Subscription> {
  const attempts = new Map<string, number>()
  // Batches that failed whole, by their first offset: their retry goes event by event.
  const isolating = new Set<string>()
  // Letters already sent for a batch being retried: one letter per poison message.
  const lettered = new Set<string>()
  const handleBatch = job.handleBatch ?? (async (deliveries: Delivery[]) => {
    for (const d of deliveries) await job.handle!(d.event, d.message, d)
  })
  const grouped = new GroupCommit<Delivery>(handleBatch)
  const sendLetters = async (letters: Array<{ message: DeliveredMessage, error: string, attempts: number }>) => {
    const fresh = letters.filter(l => !lettered.has(whereOf(l.message)))
    const byTopic = new Map<string, ReturnType<typeof letterOf>[]>()
    for (const l of fresh) byTopic.set(dlqOf(l.message.topic), [...(byTopic.get(dlqOf(l.message.topic)) ?? []), letterOf(job.group, l.message, l.error, l.attempts)])
    for (const [topic, messages] of byTopic) await bus.publish(topic, messages)
    for (const l of fresh) {
      lettered.add(whereOf(l.message))
      log.warn({ group: job.group, at: whereOf(l.message), attempts: l.attempts, error: l.error }, 'dead-lettered')
    }
  }

  return bus.subscribeBatch({ groupId: job.group, topics: job.topics, fromBeginning: job.fromBeginning ?? true, maxBatch: job.maxBatch }, async (messages) => {
    const deliveries: Delivery[] = []
    const malformed: Array<{ message: DeliveredMessage, error: string, attempts: number }> = []
    for (const message of messages) {
      try {
        deliveries.push(parse(message))
      }
      catch (error) {
        malformed.push({ message, error: `malformed event: ${describe(error).slice(0, 500)}`, attempts: 1 })
      }
    }
    await sendLetters(malformed)
    const first = whereOf(messages[0]!)
    if (!deliveries.length) {
      for (const m of messages) lettered.delete(whereOf(m))
      return
    }
    if (!isolating.has(first)) {
      try {
        const started = Date.now()
        // With the batches of other partitions; should that group fail, this batch alone again
        // before anything counts as a failure of its own.
        await grouped.submit(deliveries).catch(error => (error instanceof SharedCallFailed ? handleBatch(deliveries) : Promise.reject(error)))
        // A slow batch says where the time goes, without a profiler.
        const ms = Date.now() - started
        // A warning names a few of the batch's requests; the debug line, for following one, all of them.
        if (ms > SLOW_BATCH_MS) log.warn({ group: job.group, from: first, events: deliveries.length, ms, requestids: requestIdsOf(deliveries).slice(0, 10) }, 'slow batch')
        if (log.isLevelEnabled('debug')) log.debug({ group: job.group, from: first, events: deliveries.length, ms, requestids: requestIdsOf(deliveries) }, 'batch handled')
        for (const m of messages) lettered.delete(whereOf(m))
        return
      }
      catch (error) {
        if (deliveries.length > 1) {
          isolating.add(first)
          log.warn({ group: job.group, from: first, events: deliveries.length, error: (error as Error).message, requestids: requestIdsOf(deliveries).slice(0, 10) }, 'batch failed: retrying it event by event')
        }
        else if (!countAttempt(deliveries[0]!)) throw error
        else {
          await sendLetters([{ message: deliveries[0]!.message, error: (error as Error).message, attempts: MAX_ATTEMPTS }])
          return
        }
      }
    }
    // Event by event: the ones before a failure are applied again on the retry (idempotent).
    for (const delivery of deliveries) {
      if (lettered.has(whereOf(delivery.message))) continue
      try {
        await handleBatch([delivery])
        attempts.delete(whereOf(delivery.message))
      }
      catch (error) {
        if (!countAttempt(delivery)) throw error
        await sendLetters([{ message: delivery.message, error: (error as Error).message, attempts: MAX_ATTEMPTS }])
      }
    }
    isolating.delete(first)
    for (const m of messages) lettered.delete(whereOf(m))
  })

  /** Counts a failure; true once the event has used up its attempts. */
  function countAttempt(delivery: Delivery): boolean {
    const where = whereOf(delivery.message)
    const count = (attempts.get(where) ?? 0) + 1
    if (count < MAX_ATTEMPTS) {
      attempts.set(where, count)
      return false
    }
    attempts.delete(where)
    return true
  }
}
