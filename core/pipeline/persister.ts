import type { DocumentStore } from '../ports'
import { DuplicateKeyError } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import { eventLog, recordOf } from './event-log'
import { communityProjections } from './projections/communities'
import { peopleProjections } from './projections/people'
import { messageProjections } from './projections/messages'
import { postProjections } from './projections/posts'
import { type Projection, rejected } from './projections/types'

const projections: Record<string, Projection> = { ...peopleProjections, ...communityProjections, ...postProjections, ...messageProjections }

/**
 * The persister: every event becomes an immutable record in the event log, and its effect on the
 * current state is applied first. Recording last makes the record the commit point: a crash in
 * between applies the (idempotent) effect again on redelivery.
 */
export async function persist(store: DocumentStore, topic: string, event: CloudEvent) {
  if (await eventLog(store).findOne({ _id: event.id })) return
  const project = projections[event.type]
  const outcome = project ? await project(event, store) : rejected(`unknown event type ${event.type}`)
  await eventLog(store).insertOne(recordOf(topic, event, outcome)).catch((error) => {
    if (!(error instanceof DuplicateKeyError)) throw error
  })
}

export const knownEventTypes = () => Object.keys(projections)
