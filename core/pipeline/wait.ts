import type { DocumentStore } from '../ports'
import { setTimeout as sleep } from 'node:timers/promises'
import { type EventRecord, eventLog } from './event-log'

/**
 * Views built from the current state (cache, search) wait until the persister has applied an
 * event, so that they never show a state older than the event that triggered them.
 */
export async function persisted(store: DocumentStore, eventId: string, timeoutMs = 30_000): Promise<EventRecord> {
  const deadline = Date.now() + timeoutMs
  for (let wait = 10; ; wait = Math.min(wait * 2, 200)) {
    const record = await eventLog(store).findOne({ _id: eventId })
    if (record) return record
    if (Date.now() > deadline) throw new Error(`event ${eventId} is not persisted yet`)
    await sleep(wait)
  }
}
