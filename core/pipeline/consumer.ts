import { ZodError } from 'zod'
import type { DeliveredMessage, EventBus, Subscription } from '../ports'
import { eventDataSchemas } from '../../shared/schemas/event-data'
import { type CloudEvent, cloudEventSchema, dlqOf } from '../../shared/schemas/events'

/** Attempts before a failing event goes to the dead-letter topic and the consumer moves on. */
export const MAX_ATTEMPTS = Number(process.env.C18N_MAX_ATTEMPTS ?? 5)

export interface ConsumerJob {
  /** The consumer group: one per job, each with its own offsets. */
  group: string
  topics: string[]
  /** Where the group starts when it has no committed offset: the beginning unless it says otherwise. */
  fromBeginning?: boolean
  handle(event: CloudEvent, message: DeliveredMessage): Promise<void>
}

async function deadLetter(bus: EventBus, group: string, message: DeliveredMessage, error: string, attempts: number) {
  const letter = { error, attempts, group, failedAt: new Date().toISOString(), original: { topic: message.topic, partition: message.partition, offset: message.offset, key: message.key, value: message.value } }
  await bus.publish(dlqOf(message.topic), [{ key: message.key || 'none', value: JSON.stringify(letter), headers: { 'c18n-error': error.slice(0, 200) } }])
  console.warn(`[${group}] dead-lettered ${message.topic}/${message.partition}@${message.offset}: ${error}`)
}

/**
 * Runs one job over its topics: malformed events and events whose handler keeps failing go to
 * `<topic>.dlq` with the error, so one poison event never stops the stream. The offset is
 * committed by the bus only once the handler (or the dead-lettering) has finished.
 */
export async function runConsumer(bus: EventBus, job: ConsumerJob): Promise<Subscription> {
  const attempts = new Map<string, number>()
  return bus.subscribe({ groupId: job.group, topics: job.topics, fromBeginning: job.fromBeginning ?? true }, async (message) => {
    let event: CloudEvent
    try {
      event = cloudEventSchema.parse(JSON.parse(message.value)) as CloudEvent
      const dataSchema = eventDataSchemas[event.type]
      if (!dataSchema) throw new Error(`unknown event type ${event.type}`)
      dataSchema.parse(event.data)
    }
    catch (error) {
      const why = error instanceof ZodError ? error.issues.map(i => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ') : (error as Error).message
      await deadLetter(bus, job.group, message, `malformed event: ${why.slice(0, 500)}`, 1)
      return
    }
    const where = `${message.topic}/${message.partition}@${message.offset}`
    try {
      await job.handle(event, message)
      attempts.delete(where)
    }
    catch (error) {
      const count = (attempts.get(where) ?? 0) + 1
      if (count < MAX_ATTEMPTS) {
        attempts.set(where, count)
        throw error
      }
      attempts.delete(where)
      await deadLetter(bus, job.group, message, (error as Error).message, count)
    }
  })
}
