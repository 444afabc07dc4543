import { randomUUID } from 'node:crypto'
import { type Aggregate, type CloudEvent, topicOf } from '../../shared/schemas/events'
import { currentRequestId } from '../observability/request-context'

const SOURCE = '/c18n/api'

/** A CloudEvent for one aggregate; the key keeps the events of one room or entity in order. */
export interface PendingEvent {
  aggregate: Aggregate
  /** The partition key: a community for its posts, reactions and members; the entity otherwise. */
  key: string
  event: CloudEvent
}

export function newEvent(aggregate: Aggregate, type: string, subject: string, key: string, data: Record<string, unknown>, actorId?: string): PendingEvent {
  // The request that caused it, so every consumer can say which request an event came from.
  const requestId = currentRequestId()
  return {
    aggregate,
    key,
    event: {
      specversion: '1.0', id: randomUUID(), source: SOURCE, type: `c18n.${type}`, time: new Date().toISOString(),
      subject, datacontenttype: 'application/json', ...(actorId ? { actorid: actorId } : {}), ...(requestId ? { requestid: requestId } : {}), data,
    },
  }
}

export const topicFor = (pending: PendingEvent) => topicOf(pending.aggregate)
