import type { DocumentStore } from '../../ports'
import type { CloudEvent } from '../../../shared/schemas/events'

export interface Outcome { status: 'applied' | 'rejected', reason?: string }
export const applied: Outcome = { status: 'applied' }
export const rejected = (reason: string): Outcome => ({ status: 'rejected', reason })

/** Event data as projections read it: validated at the command, loosely typed on the way back. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type EventData = Record<string, any>

/** Applies one event to the current-state collections. Must be idempotent: events may come twice. */
export type Projection = (event: CloudEvent<EventData>, store: DocumentStore) => Promise<Outcome>

/** A sortable key from the event's time and id, the same on every delivery. */
export const sequenceOf = (event: CloudEvent) => `${Date.parse(event.time).toString(36).padStart(9, '0')}${event.id.replaceAll('-', '').slice(0, 8)}`
