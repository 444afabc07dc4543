import type { Cache, CacheCommand } from '../ports'
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
    return (await this.appendMany([{ room, eventId, kind, at, payload }]))[0] ?? null
  }

  /**
   * Appends many events, each once, in three cache round trips however many there are: which
   * are new, their sequence numbers (in order, per room), then the log, the marks and the
   * publication. A crash in between appends an event twice at worst, never loses one.
   */
  async appendMany(entries: Array<{ room: string, eventId: string, kind: LiveKind, at: string, payload: Record<string, unknown> }>): Promise<Array<LiveEvent | null>> {
    if (!entries.length) return []
    const seen = await this.cache.batch(entries.map(e => ['get', seenKey(e.room, e.eventId)] as CacheCommand))
    const unique = new Set<string>()
    const fresh = entries.map((e, i) => {
      const key = `${e.room}\n${e.eventId}`
      if (seen[i] !== null || unique.has(key)) return false
      unique.add(key)
      return true
    })
    const numbered = entries.filter((_, i) => fresh[i])
    if (!numbered.length) return entries.map(() => null)
    const seqs = await this.cache.batch(numbered.map(e => ['incrBy', seqKey(e.room), 1] as CacheCommand))
    const events = numbered.map((e, i): LiveEvent => ({ type: 'event', room: e.room, seq: Number(seqs[i]), eventId: e.eventId, kind: e.kind, at: e.at, payload: e.payload }))
    const commands: CacheCommand[] = []
    const rooms = new Set<string>()
    for (const event of events) {
      const text = JSON.stringify(event)
      commands.push(['zAdd', logKey(event.room), event.seq, text], ['set', seenKey(event.room, event.eventId), String(event.seq), SEEN_TTL_SECONDS], ['publish', liveChannel(event.room), text])
      rooms.add(event.room)
    }
    for (const room of rooms) commands.push(['zRemRangeByRank', logKey(room), 0, -(LOG_LENGTH + 1)])
    await this.cache.batch(commands)
    let next = 0
    return entries.map((_, i) => (fresh[i] ? events[next++]! : null))
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
