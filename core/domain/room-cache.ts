import type { Cache, Ports } from '../ports'
import type { MessageDoc } from './chat-model'
import { scoreOf } from './feed-cache'

/** How many of a room's newest messages the cache keeps. */
export const ROOM_CACHE_LENGTH = 100
const MESSAGE_TTL_SECONDS = 7 * 24 * 60 * 60

export const roomRecentKey = (roomId: string) => `room:${roomId}:recent`
const roomReadyKey = (roomId: string) => `room:${roomId}:ready`
export const messageKey = (id: string) => `message:${id}`

/**
 * A room's newest messages in the cache, as the feed cache does for posts: ids in a sorted set,
 * message snapshots beside them. A room is served from here only once it was filled from the
 * store ("ready"); from then on the cacher adds every new message, so the set is always the
 * room's newest messages. Anything missing sends the read back to the store.
 */
export class RoomCache {
  constructor(private readonly cache: Cache) {}

  async put(doc: MessageDoc) {
    await this.cache.set(messageKey(doc._id), JSON.stringify(doc), MESSAGE_TTL_SECONDS)
  }

  async add(doc: MessageDoc) {
    await this.cache.zAdd(roomRecentKey(doc.roomId), scoreOf(doc._id), doc._id)
    await this.cache.zRemRangeByRank(roomRecentKey(doc.roomId), 0, -(ROOM_CACHE_LENGTH + 1))
  }

  isReady(roomId: string) {
    return this.cache.get(roomReadyKey(roomId)).then(Boolean)
  }

  async markReady(roomId: string) {
    await this.cache.set(roomReadyKey(roomId), '1')
  }

  /** The newest `limit` messages, and whether older ones may exist; null when the cache cannot say. */
  async newest(roomId: string, limit: number): Promise<{ items: MessageDoc[], more: boolean } | null> {
    if (limit > ROOM_CACHE_LENGTH || !(await this.isReady(roomId))) return null
    const members = await this.cache.zRevRangeWithScores(roomRecentKey(roomId), 0, limit)
    const items: MessageDoc[] = []
    for (const { member } of members.slice(0, limit)) {
      const text = await this.cache.get(messageKey(member))
      if (!text) return null
      items.push(JSON.parse(text) as MessageDoc)
    }
    // A full set may have lost older messages to trimming: then say there may be more.
    const more = members.length > limit || (items.length === limit && (await this.cache.zCard(roomRecentKey(roomId))) >= ROOM_CACHE_LENGTH)
    return { items, more }
  }
}

/** Copies a message's current state (and its thread parent's counts) into the cache. */
export async function refreshMessage(ports: Pick<Ports, 'store' | 'cache'>, id: string) {
  const rooms = new RoomCache(ports.cache)
  const messages = ports.store.collection<MessageDoc>('messages')
  const doc = await messages.findOne({ _id: id })
  if (!doc) return
  await rooms.put(doc)
  const parent = doc.parentId ? await messages.findOne({ _id: doc.parentId }) : null
  if (parent) await rooms.put(parent)
  if (await rooms.isReady(doc.roomId)) return rooms.add(doc)
  // The first time a room is needed: fill it from the store, then mark it ready.
  const latest = await messages.find({ roomId: doc.roomId }, { sort: { _id: -1 }, limit: ROOM_CACHE_LENGTH })
  for (const message of latest) {
    await rooms.put(message)
    await rooms.add(message)
  }
  await rooms.markReady(doc.roomId)
}
