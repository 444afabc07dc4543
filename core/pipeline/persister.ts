import type { DocumentStore, EventBus, OutgoingMessage } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import { APPLIED_ID_HEADER, APPLIED_STATUS_HEADER, type Applied, appliedOf } from './applied'
import type { Delivery } from './consumer'
import { type EventRecord, eventLog, recordOf } from './event-log'
import { communityProjections } from './projections/communities'
import { peopleProjections } from './projections/people'
import { messageProjections } from './projections/messages'
import { postProjections } from './projections/posts'
import { moderationProjections } from './projections/moderation'
import { suggestionProjections } from './projections/suggestions'
import { mediaProjections } from './projections/media'
import { connectionProjections } from './projections/connections'
import { BULK_TYPES, applyBulk } from './projections/bulk'
import { type Outcome, type Projection, rejected } from './projections/types'

const projections: Record<string, Projection> = { ...peopleProjections, ...communityProjections, ...postProjections, ...messageProjections, ...suggestionProjections, ...moderationProjections, ...mediaProjections, ...connectionProjections }

async function applyOne(store: DocumentStore, event: CloudEvent): Promise<Outcome> {
  const project = projections[event.type]
  return project ? project(event, store) : rejected(`unknown event type ${event.type}`)
}

/** Ids looked up per query: few enough for a store to answer each by its index. */
const LOOKUP_CHUNK = 64

/** The log's records of these events, by id: short `$in` lookups, one after the other. */
async function recordsOf(store: DocumentStore, ids: string[]): Promise<Map<string, EventRecord>> {
  const chunks = Array.from({ length: Math.ceil(ids.length / LOOKUP_CHUNK) }, (_, i) => ids.slice(i * LOOKUP_CHUNK, (i + 1) * LOOKUP_CHUNK))
  const found: EventRecord[] = []
  for (const chunk of chunks) found.push(...await eventLog(store).find({ _id: { $in: chunk } }))
  return new Map(found.map(r => [r._id, r]))
}

/**
 * The persister, a batch at a time: runs of high-volume events are applied in bulk, with no
 * read (see projections/bulk.ts: a redelivered one changes nothing and is counted afresh), the
 * others one by one in their order, after one lookup of those among them already recorded (their
 * outcome may depend on the state, so a redelivery answers what the first delivery did). Then
 * every new event becomes an immutable record of the log in one unordered insert. Recording last
 * makes the records the commit point: a crash in between applies the (idempotent) effects again
 * on redelivery. Last, what was applied is published on the applied stream, for the events seen
 * before too, so that a crash before publishing loses nothing.
 */
export async function persistBatch(ports: { store: DocumentStore, bus: EventBus }, deliveries: Delivery[]) {
  const { store } = ports
  const log = eventLog(store)
  const known = await recordsOf(store, [...new Set(deliveries.filter(d => !BULK_TYPES.has(d.event.type)).map(d => d.event.id))])
  const outcomes = new Map<string, Omit<Applied, 'event'>>()
  for (const [id, record] of known) outcomes.set(id, { status: record.status, ...(record.reason ? { reason: record.reason } : {}) })
  const records: EventRecord[] = []
  let run: Delivery[] = []
  const flush = async () => {
    if (!run.length) return
    const produced = await applyBulk(store, run.map(d => d.event))
    for (const d of run) outcomes.set(d.event.id, { status: 'applied', ...(produced.has(d.event.id) ? { doc: produced.get(d.event.id) } : {}) })
    run = []
  }
  const fresh = new Set<string>()
  for (const d of deliveries) {
    if (outcomes.has(d.event.id) || fresh.has(d.event.id)) continue
    fresh.add(d.event.id)
    records.push(recordOf(d.message.topic, d.event, { status: 'applied' }))
    if (BULK_TYPES.has(d.event.type)) {
      run.push(d)
      continue
    }
    // An event of another type keeps its place: what came before it is applied first.
    await flush()
    const outcome = await applyOne(store, d.event)
    outcomes.set(d.event.id, outcome)
    records[records.length - 1] = recordOf(d.message.topic, d.event, outcome)
  }
  await flush()
  await log.insertMissing(records)
  await publishApplied(ports.bus, deliveries, outcomes)
}

async function publishApplied(bus: EventBus, deliveries: Delivery[], outcomes: Map<string, Omit<Applied, 'event'>>) {
  const byTopic = new Map<string, OutgoingMessage[]>()
  for (const d of deliveries) {
    const outcome = outcomes.get(d.event.id)!
    const topic = appliedOf(d.message.topic)
    const message = { key: d.message.key, value: JSON.stringify({ event: d.event, ...outcome } satisfies Applied), headers: { [APPLIED_ID_HEADER]: d.event.id, [APPLIED_STATUS_HEADER]: outcome.status } }
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), message])
  }
  await Promise.all([...byTopic].map(([topic, messages]) => bus.publish(topic, messages)))
}

/** One event through the same path: for replays and tests. */
export async function persist(store: DocumentStore, topic: string, event: CloudEvent) {
  if (await eventLog(store).findOne({ _id: event.id })) return
  const outcome = await applyOne(store, event)
  await eventLog(store).insertMissing([recordOf(topic, event, outcome)])
}

export const knownEventTypes = () => Object.keys(projections)
