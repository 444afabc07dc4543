import type { DocumentStore } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'

/** An event as the immutable store keeps it, with what applying it did. */
export interface EventRecord {
  _id: string
  topic: string
  type: string
  subject: string
  time: string
  actorid?: string
  data: Record<string, unknown>
  status: 'applied' | 'rejected'
  reason?: string
  recordedAt: string
}

export const eventLog = (store: DocumentStore) => store.collection<EventRecord>('events')

export function recordOf(topic: string, event: CloudEvent, outcome: { status: EventRecord['status'], reason?: string }): EventRecord {
  return {
    _id: event.id, topic, type: event.type, subject: event.subject, time: event.time, actorid: event.actorid,
    data: event.data, status: outcome.status, ...(outcome.reason ? { reason: outcome.reason } : {}), recordedAt: new Date().toISOString(),
  }
}
