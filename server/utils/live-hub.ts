import { randomUUID } from 'node:crypto'
import type { Actor, Domain } from '../../core/domain'
import { DomainError } from '../../core/domain'
import { LiveLog, liveChannel } from '../../core/realtime/live-log'
import { SESSIONS_CHANNEL, type SessionRevoked, isAccessChanged } from '../../core/realtime/access'
import { visibleBacklog } from '../../core/realtime/backlog'
import { liveConnections, liveDeliveries } from '../../core/observability/metrics'
import { type ClientFrame, type ErrorCode, type LiveEvent, type ServerFrame, clientFrameSchema } from '../../shared/realtime/protocol'

/** The socket side of a connection: what the hub needs from a crossws peer. */
export interface Socket {
  send(text: string): void
  close(code: number, reason: string): void
}

/** Per connection: a token bucket against flooding, and the frames refused in a row. */
const BUCKET = { capacity: 40, refillPerSecond: 20 }
/** Refused frames in a row before the connection is closed. */
const FLOOD_LIMIT = 100
const TYPING_EVERY_MS = 1500
const PRESENCE_TTL_MS = 60_000

/** The shared limit on frames per user and per address (Redis-backed on the real stack). */
export type FrameLimiter = (userId: string | null, ip: string) => Promise<{ allowed: boolean, retryAfterSeconds?: number }>

interface Connection {
  id: string
  actor: Actor | null
  /** The session version the connection was opened with: a later sign-out everywhere closes it. */
  sessionVersion: number
  /** The session the connection was opened with; signing out of it closes the connection. */
  sessionId: string | null
  /** The origin the page was served from: share links point there. */
  origin: string
  ip: string
  name: string
  socket: Socket
  /** The last sequence number delivered, per room; frames at or below it are not sent again. */
  seq: Map<string, number>
  /** Live events that arrived while the room's backlog was being read. */
  pending: Map<string, LiveEvent[]>
  tokens: number
  refilledAt: number
  refused: number
  typedAt: Map<string, number>
}

const isChatRoom = (room: string) => /^(community|group|direct):/.test(room)

const ERROR_CODES: Record<string, ErrorCode> = { unauthenticated: 'unauthenticated', forbidden: 'forbidden', not_found: 'not_found', conflict: 'conflict', invalid: 'invalid', rate_limited: 'rate_limited' }

function errorFrame(error: unknown, ref?: string): ServerFrame {
  if (error instanceof DomainError) return { type: 'error', code: ERROR_CODES[error.kind] ?? 'invalid', message: error.message, ref }
  console.error('[live] frame failed:', error)
  return { type: 'error', code: 'unavailable', message: 'That did not work this time; try again', ref }
}

/**
 * One app instance's live connections. Rooms are Redis pub/sub channels (in-process channels when
 * embedded): the instance listens to a room while any of its connections is in it, so every
 * instance delivers every event to its own clients whichever instance caused it.
 */
export class LiveHub {
  private readonly connections = new Map<string, Connection>()
  private readonly rooms = new Map<string, { members: Set<Connection>, listening: Promise<() => Promise<void>> }>()
  private readonly log: LiveLog

  private readonly sessionsListening: Promise<() => Promise<void>>

  constructor(private readonly domain: Domain, private readonly frameLimiter: FrameLimiter = async () => ({ allowed: true })) {
    this.log = new LiveLog(domain.ports.cache)
    this.sessionsListening = domain.ports.cache.subscribe(SESSIONS_CHANNEL, (_channel, text) => this.sessionRevoked(JSON.parse(text) as SessionRevoked))
  }

  /** Resolves once this instance hears of ended sessions. */
  async ready() {
    await this.sessionsListening
  }

  /** A sign-out (or a password change, a site ban, "sign out everywhere") closes the sessions' live connections too. */
  private sessionRevoked({ userId, version, sessionId }: SessionRevoked) {
    for (const connection of this.connections.values()) {
      if (connection.actor?.id !== userId) continue
      const ended = sessionId ? connection.sessionId === sessionId : connection.sessionVersion < (version ?? 0)
      if (ended) connection.socket.close(4401, 'session ended: sign in again')
    }
  }

  get size() { return this.connections.size }

  open(socket: Socket, actor: Actor | null, name: string, ip = '', sessionVersion = 0, sessionId: string | null = null, origin = ''): Connection {
    const connection: Connection = { id: randomUUID(), actor, sessionVersion, sessionId, origin, ip, name, socket, seq: new Map(), pending: new Map(), tokens: BUCKET.capacity, refilledAt: Date.now(), refused: 0, typedAt: new Map() }
    this.connections.set(connection.id, connection)
    liveConnections.inc()
    this.send(connection, { type: 'hello', userId: actor?.id ?? null, connectionId: connection.id })
    return connection
  }

  async close(connection: Connection) {
    if (this.connections.delete(connection.id)) liveConnections.dec()
    await Promise.all([...connection.seq.keys()].map(room => this.leave(connection, room)))
  }

  /** `text` is the frame already serialised, when a room fans one frame out to many sockets. */
  private send(connection: Connection, frame: ServerFrame, text?: string) {
    try {
      connection.socket.send(text ?? JSON.stringify(frame))
    }
    catch { /* the socket is closing: its close handler cleans up */ }
  }

  /** Takes a token; refuses frames beyond the rate, and closes a connection that keeps flooding. */
  private admit(connection: Connection): boolean {
    const now = Date.now()
    connection.tokens = Math.min(BUCKET.capacity, connection.tokens + ((now - connection.refilledAt) / 1000) * BUCKET.refillPerSecond)
    connection.refilledAt = now
    if (connection.tokens >= 1) {
      connection.tokens -= 1
      connection.refused = 0
      return true
    }
    if (++connection.refused >= FLOOD_LIMIT) connection.socket.close(1008, 'too many frames: slow down')
    else if (connection.refused === 1 || connection.refused % 20 === 0) this.send(connection, { type: 'error', code: 'rate_limited', message: `Too many frames: at most ${BUCKET.refillPerSecond} a second` })
    return false
  }

  /** One frame from a client: parsed, checked against the shared schema, then acted on. */
  async receive(connection: Connection, text: string) {
    if (!this.admit(connection)) return
    // Then the limit shared by all of a person's (and an address's) connections, on every instance.
    const shared = await this.frameLimiter(connection.actor?.id ?? null, connection.ip).catch(() => ({ allowed: true, retryAfterSeconds: 0 }))
    if (!shared.allowed) return this.send(connection, { type: 'error', code: 'rate_limited', message: `Too many frames from you: try again in ${shared.retryAfterSeconds ?? 1} s` })
    let json: unknown
    try {
      json = JSON.parse(text)
    }
    catch {
      return this.send(connection, { type: 'error', code: 'bad_frame', message: 'A frame must be one JSON object' })
    }
    const parsed = clientFrameSchema.safeParse(json)
    if (!parsed.success) {
      const ref = typeof (json as { ref?: unknown })?.ref === 'string' ? String((json as { ref: string }).ref).slice(0, 64) : undefined
      const known = clientFrameSchema.options.some(o => o.shape.type.value === (json as { type?: unknown })?.type)
      const message = known ? parsed.error.issues.map(i => `${i.path.join('.') || 'frame'}: ${i.message}`).join('; ') : 'Unknown frame type'
      return this.send(connection, { type: 'error', code: known ? 'invalid' : 'bad_frame', message, ref })
    }
    const frame = parsed.data
    const ref = 'ref' in frame ? frame.ref : undefined
    try {
      await this.act(connection, frame)
    }
    catch (error) {
      this.send(connection, errorFrame(error, ref))
    }
  }

  private async act(connection: Connection, frame: ClientFrame) {
    const { chat } = this.domain
    const actor = connection.actor
    const ack = (result: Record<string, unknown>) => this.send(connection, { type: 'ack', ref: 'ref' in frame ? frame.ref : undefined, result })
    switch (frame.type) {
      case 'ping':
        await this.refreshPresence(connection)
        return this.send(connection, { type: 'pong' })
      case 'subscribe':
        return this.join(connection, frame.room, frame.since, frame.ref)
      case 'unsubscribe':
        // A room one is not in, and may not read, is not found: nothing else happens, no presence.
        if (connection.seq.has(frame.room) || connection.pending.has(frame.room)) await this.leave(connection, frame.room)
        else await this.authorize(actor, frame.room)
        return this.send(connection, { type: 'unsubscribed', room: frame.room, ref: frame.ref })
      case 'send':
        // Whoever sent a message starts typing the next one afresh.
        connection.typedAt.delete(frame.room)
        return ack({ message: await chat.send(actor, frame.room, { body: frame.body, parentId: frame.parentId }) })
      case 'edit':
        return ack({ message: await chat.edit(actor, frame.messageId, frame.body) })
      case 'delete':
        await chat.remove(actor, frame.messageId)
        return ack({ deleted: frame.messageId })
      case 'react':
        return ack({ message: await chat.react(actor, frame.messageId, frame.kind, frame.on) })
      case 'read':
        return ack({ room: await chat.markRead(actor, frame.room) })
      case 'react-post':
        return ack({ post: frame.on ? await this.domain.posts.react(actor, frame.postId, frame.kind) : await this.domain.posts.unreact(actor, frame.postId, frame.kind) })
      case 'share-post':
        return ack({ share: await this.domain.posts.share(actor, frame.postId, frame.target, connection.origin) })
      case 'typing': {
        if (!connection.seq.has(frame.room)) throw new DomainError('invalid', 'Subscribe to the room first')
        const last = connection.typedAt.get(frame.room) ?? 0
        if (Date.now() - last < TYPING_EVERY_MS) return
        connection.typedAt.set(frame.room, Date.now())
        return this.log.announce(frame.room, { type: 'typing', room: frame.room, userId: connection.actor!.id, name: connection.name })
      }
    }
  }

  /** Who may follow a room: the same rules as reading it over REST. */
  private async authorize(actor: Actor | null, room: string) {
    if (!room.includes(':')) throw new DomainError('invalid', 'Not a room')
    const [kind, id] = [room.slice(0, room.indexOf(':')), room.slice(room.indexOf(':') + 1)]
    if (kind === 'posts') {
      await this.domain.communities.visibleById(actor, id).catch(() => { throw new DomainError('not_found', 'Room not found') })
      return
    }
    if (kind === 'user' || kind === 'home') {
      if (!actor) throw new DomainError('unauthenticated', kind === 'user' ? 'Sign in to follow your notifications' : 'Sign in to follow your home feed')
      if (actor.id !== id) throw new DomainError('not_found', 'Room not found')
      return
    }
    await this.domain.chat.access(actor, room)
  }

  private async join(connection: Connection, room: string, since: number | undefined, ref?: string) {
    await this.authorize(connection.actor, room)
    if (connection.seq.has(room)) connection.seq.delete(room)
    // Listen before reading the backlog, and hold what arrives meanwhile: nothing falls between.
    connection.pending.set(room, [])
    await this.listen(room, connection)
    const backlog = since === undefined ? { events: [], complete: true, seq: await this.log.lastSeq(room) } : await this.log.since(room, since)
    // The stream remembers what was said when it was said: what was deleted or hidden since is not replayed.
    backlog.events = await visibleBacklog(this.domain.ports.store, backlog.events)
    if (since !== undefined && !backlog.complete) {
      this.send(connection, { type: 'reset', room, seq: backlog.seq })
      connection.seq.set(room, backlog.seq)
    }
    else {
      connection.seq.set(room, since ?? backlog.seq)
      for (const event of backlog.events) this.deliver(connection, event)
    }
    const online = isChatRoom(room) && connection.actor ? await this.markOnline(connection, room) : []
    this.send(connection, { type: 'subscribed', room, seq: connection.seq.get(room)!, online, ref })
    for (const event of connection.pending.get(room) ?? []) this.deliver(connection, event)
    connection.pending.delete(room)
  }

  private deliver(connection: Connection, event: LiveEvent, text?: string) {
    const last = connection.seq.get(event.room) ?? Number.POSITIVE_INFINITY
    if (event.seq <= last) return
    connection.seq.set(event.room, event.seq)
    liveDeliveries.inc({ kind: event.kind })
    this.send(connection, event, text)
  }

  private async listen(room: string, connection: Connection) {
    let entry = this.rooms.get(room)
    if (!entry) {
      const members = new Set<Connection>()
      const listening = this.domain.ports.cache.subscribe(liveChannel(room), (_channel, text) => this.fanOut(room, text))
      entry = { members, listening }
      this.rooms.set(room, entry)
    }
    entry.members.add(connection)
    await entry.listening
  }

  private fanOut(room: string, text: string) {
    const entry = this.rooms.get(room)
    if (!entry) return
    // Parsed once and sent as the text it came in: one serialisation per room, not per socket.
    const parsed = JSON.parse(text) as ServerFrame | { type: 'access_changed', room: string, reason: string }
    if (isAccessChanged(parsed)) {
      // The announcement may come before this process hears the change on the applied stream.
      const [kind, id] = [room.slice(0, room.indexOf(':')), room.slice(room.indexOf(':') + 1)]
      if (kind === 'posts' || kind === 'community') this.domain.communities.accessChanged(id)
      for (const connection of entry.members) void this.recheck(connection, room, parsed.reason)
      return
    }
    const frame = parsed
    for (const connection of entry.members) {
      if (frame.type !== 'event') {
        this.send(connection, frame, text)
        continue
      }
      const held = connection.pending.get(room)
      if (held) held.push(frame)
      else this.deliver(connection, frame, text)
    }
  }

  /**
   * Who may follow the room changed: each subscriber is checked again. What arrives meanwhile is
   * held, then delivered if they still may read the room, or dropped with the room if not.
   */
  private async recheck(connection: Connection, room: string, reason: string) {
    const holding = !connection.pending.has(room)
    if (holding) connection.pending.set(room, [])
    try {
      await this.authorize(connection.actor, room)
    }
    catch (error) {
      const code = error instanceof DomainError ? ERROR_CODES[error.kind] ?? 'forbidden' : 'unavailable'
      await this.leave(connection, room).catch(() => {})
      return this.send(connection, { type: 'error', code, room, message: `You can no longer follow this room: ${reason}` })
    }
    if (!holding) return
    const held = connection.pending.get(room) ?? []
    connection.pending.delete(room)
    for (const event of held) this.deliver(connection, event)
  }

  private async leave(connection: Connection, room: string) {
    connection.seq.delete(room)
    connection.pending.delete(room)
    const entry = this.rooms.get(room)
    if (entry?.members.delete(connection) && entry.members.size === 0) {
      this.rooms.delete(room)
      await (await entry.listening)().catch(() => {})
    }
    if (isChatRoom(room) && connection.actor) {
      await this.domain.ports.cache.zRem(`presence:${room}`, `${connection.actor.id}|${connection.id}`)
      await this.log.announce(room, { type: 'presence', room, online: await this.online(room) })
    }
  }

  /** Presence: one entry per connection with an expiry, refreshed by the client's pings. */
  private async markOnline(connection: Connection, room: string) {
    await this.domain.analytics.markOnline(connection.actor!.id)
    await this.domain.ports.cache.zAdd(`presence:${room}`, Date.now() + PRESENCE_TTL_MS, `${connection.actor!.id}|${connection.id}`)
    const online = await this.online(room)
    await this.log.announce(room, { type: 'presence', room, online })
    return online
  }

  private async refreshPresence(connection: Connection) {
    if (!connection.actor) return
    // Site-wide presence for the analytics dashboard's "online now".
    await this.domain.analytics.markOnline(connection.actor.id)
    for (const room of connection.seq.keys()) {
      if (isChatRoom(room)) await this.domain.ports.cache.zAdd(`presence:${room}`, Date.now() + PRESENCE_TTL_MS, `${connection.actor.id}|${connection.id}`)
    }
  }

  private async online(room: string): Promise<string[]> {
    const now = Date.now()
    const entries = await this.domain.ports.cache.zRevRangeByScore(`presence:${room}`, Number.POSITIVE_INFINITY, 1000)
    return [...new Set(entries.filter(e => e.score > now).map(e => e.member.split('|')[0]!))]
  }
}
