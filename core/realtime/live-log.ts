import type { Cache } from '../ports'
import type { LiveEvent, LiveKind, ServerFrame } from '../../shared/realtime/protocol'

/** How many events each room's stream keeps for clients catching up after a reconnect. */
export const LOG_LENGTH = 500
const SEEN_TTL_SECONDS = 24 * 60 * 60

export const liveChannel = (room: string) => `live:${room}`
const seqKey = (room: string) => `live:${room}:seq`
const logKey = (room: string) => `live:${room}:log`
const seenKey = (room: string, eventId: string) => `live:${room}:seen:${eventId}`

/**
 * Each room's ordered stream of live events, kept in the cache (Redis on the real stack): a
 * sequence number per room, the last LOG_LENGTH events for catching up, and a pub/sub channel
 * that every app instance listens to. Only one consumer group appends, one partition per room
 * key, so a room's events get their numbers in bus order.
 */
export class LiveLog {
  constructor(private readonly cache: Cache) {}

  /** Appends an event once: a redelivered bus event is recognised by its id and skipped. */
  async append(room: string, eventId: string, kind: LiveKind, at: string, payload: Record<string, unknown>): Promise<LiveEvent | null> {
    if (await this.cache.get(seenKey(room, eventId))) return null
    const seq = await this.cache.incrBy(seqKey(room), 1)
    const event: LiveEvent = { type: 'event', room, seq, eventId, kind, at, payload }
    const text = JSON.stringify(event)
    await this.cache.zAdd(logKey(room), seq, text)
    await this.cache.zRemRangeByRank(logKey(room), 0, -(LOG_LENGTH + 1))
    await this.cache.set(seenKey(room, eventId), String(seq), SEEN_TTL_SECONDS)
    await this.cache.publish(liveChannel(room), text)
    return event
  }

  /** Frames that are not part of the stream (typing, presence): published, never kept. */
  async announce(room: string, frame: ServerFrame) {
    await this.cache.publish(liveChannel(room), JSON.stringify(frame))
  }

  async lastSeq(room: string): Promise<number> {
    return Number(await this.cache.get(seqKey(room)) ?? 0)
  }

  /**
   * What came after `since`, oldest first; `complete` is false when the stream no longer
   * reaches back that far, and the client must reload the room's history instead.
   */
  async since(room: string, since: number): Promise<{ events: LiveEvent[], complete: boolean, seq: number }> {
    const seq = await this.lastSeq(room)
    if (since >= seq) return { events: [], complete: true, seq }
    const newest = await this.cache.zRevRangeByScore(logKey(room), Number.POSITIVE_INFINITY, Math.min(LOG_LENGTH, seq - since))
    const events = newest.filter(e => e.score > since).reverse().map(e => JSON.parse(e.member) as LiveEvent)
    const complete = events.length > 0 && events[0]!.seq === since + 1
    return { events, complete, seq }
  }
}
