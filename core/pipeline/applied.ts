import { z } from 'zod'
import { type CloudEvent, cloudEventSchema } from '../../shared/schemas/events'

/**
 * The applied stream: after the persister has made a batch durable it publishes, for every event
 * of it, what applying did, keyed like the source event (so each key keeps its order) on
 * `<topic>.applied`. Views and the API's waiters consume this push instead of asking the store
 * whether an event has been applied yet.
 */
export const appliedOf = (topic: string) => `${topic}.applied`
export const isAppliedTopic = (topic: string) => topic.endsWith('.applied')
export const sourceOf = (appliedTopic: string) => appliedTopic.slice(0, -'.applied'.length)

/** Headers of an applied message: enough for a waiter to match it without parsing the value. */
export const APPLIED_ID_HEADER = 'c18n-event-id'
export const APPLIED_STATUS_HEADER = 'c18n-status'

export interface Applied {
  event: CloudEvent
  status: 'applied' | 'rejected'
  reason?: string
  /** The document the event resulted in, when the persister has it at hand (a new post, say). */
  doc?: Record<string, unknown>
}

export const appliedSchema = z.object({
  event: cloudEventSchema,
  status: z.enum(['applied', 'rejected']),
  reason: z.string().optional(),
  doc: z.record(z.string(), z.unknown()).optional(),
})
