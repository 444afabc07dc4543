import type { Ports } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import { cacheEvents } from './cacher'
import { type EventRecord, eventLog } from './event-log'
import { POSTS_INDEX } from '../domain/posts-model'
import { indexEvents } from './indexer'
import { COMMUNITIES_INDEX } from '../domain/communities'
import { USERS_INDEX } from '../domain/users'
import { MESSAGES_INDEX } from '../domain/chat'

const VIEW_KEY_PATTERNS = ['feed:*', 'post:*', 'profile:*', 'room:*', 'message:*', 'homefeed:*']
const BATCH = 500

export const toCloudEvent = (record: EventRecord): CloudEvent => ({
  specversion: '1.0', id: record._id, source: '/c18n/api', type: record.type, time: record.time, subject: record.subject,
  datacontenttype: 'application/json', ...(record.actorid ? { actorid: record.actorid } : {}), data: record.data,
})

/**
 * Rebuilds the cache and search views from nothing by replaying the immutable event log, in
 * order, through the same cacher and indexer code the live consumers run, a page at a time.
 */
export async function rebuildViews(ports: Pick<Ports, 'store' | 'cache' | 'search'>, setup: () => Promise<void>, report: (line: string) => void = () => {}) {
  const started = Date.now()
  const log = eventLog(ports.store)
  for (const pattern of VIEW_KEY_PATTERNS) {
    const keys = await ports.cache.keys(pattern)
    for (let i = 0; i < keys.length; i += BATCH) await ports.cache.del(...keys.slice(i, i + BATCH))
  }
  for (const index of [USERS_INDEX, COMMUNITIES_INDEX, POSTS_INDEX, MESSAGES_INDEX]) await ports.search.dropIndex(index)
  await setup()
  let replayed = 0
  let lastTime = ''
  let lastId = ''
  for (;;) {
    // Keyset paging on (time, _id) in two steps, since a burst can share one millisecond across
    // more events than a page holds: first the rest of the current millisecond, then later ones.
    let batch = lastTime ? await log.find({ time: lastTime, _id: { $gt: lastId } }, { sort: { _id: 1 }, limit: BATCH }) : []
    if (!batch.length) batch = await log.find(lastTime ? { time: { $gt: lastTime } } : {}, { sort: { time: 1, _id: 1 }, limit: BATCH })
    if (!batch.length) break
    // A page at a time through the consumers' batch paths: they write current state, so the
    // result is the same as event by event.
    const events = batch.filter(r => r.status === 'applied').map(toCloudEvent)
    await cacheEvents(ports, events)
    await indexEvents(ports, events)
    replayed += batch.length
    lastTime = batch.at(-1)!.time
    lastId = batch.at(-1)!._id
  }
  for (const index of [USERS_INDEX, COMMUNITIES_INDEX, POSTS_INDEX, MESSAGES_INDEX]) await ports.search.refresh(index)
  report(`rebuilt the cache and search views from ${replayed} events in ${Date.now() - started} ms`)
  return { replayed }
}
