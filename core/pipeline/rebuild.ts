import type { Ports } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import { cacheEvent } from './cacher'
import { type EventRecord, eventLog } from './event-log'
import { POSTS_INDEX, indexEvent } from './indexer'
import { COMMUNITIES_INDEX } from '../domain/communities'
import { USERS_INDEX } from '../domain/users'

const VIEW_KEY_PATTERNS = ['feed:*', 'post:*', 'profile:*']
const BATCH = 500

export const toCloudEvent = (record: EventRecord): CloudEvent => ({
  specversion: '1.0', id: record._id, source: '/c18n/api', type: record.type, time: record.time, subject: record.subject,
  datacontenttype: 'application/json', ...(record.actorid ? { actorid: record.actorid } : {}), data: record.data,
})

/**
 * Rebuilds the cache and search views from nothing by replaying the immutable event log, in
 * order, through the same cacher and indexer code the live consumers run.
 */
export async function rebuildViews(ports: Pick<Ports, 'store' | 'cache' | 'search'>, setup: () => Promise<void>, log: (line: string) => void = () => {}) {
  const started = Date.now()
  for (const pattern of VIEW_KEY_PATTERNS) {
    const keys = await ports.cache.keys(pattern)
    for (let i = 0; i < keys.length; i += BATCH) await ports.cache.del(...keys.slice(i, i + BATCH))
  }
  for (const index of [USERS_INDEX, COMMUNITIES_INDEX, POSTS_INDEX]) await ports.search.dropIndex(index)
  await setup()
  let replayed = 0
  let lastTime = ''
  let lastId = ''
  for (;;) {
    const batch = await eventLog(ports.store).find(lastTime ? { time: { $gte: lastTime } } : {}, { sort: { time: 1, _id: 1 }, limit: BATCH + 50 })
    const fresh = batch.filter(r => r.time > lastTime || (r.time === lastTime && r._id > lastId))
    if (!fresh.length) break
    for (const record of fresh.slice(0, BATCH)) {
      if (record.status === 'applied') {
        const event = toCloudEvent(record)
        await cacheEvent(ports, event)
        await indexEvent(ports, event)
      }
      replayed++
      lastTime = record.time
      lastId = record._id
    }
  }
  for (const index of [USERS_INDEX, COMMUNITIES_INDEX, POSTS_INDEX]) await ports.search.refresh(index)
  log(`rebuilt the cache and search views from ${replayed} events in ${Date.now() - started} ms`)
  return { replayed }
}
