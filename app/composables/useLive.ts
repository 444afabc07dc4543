import type { ClientFrame, LiveEvent, ServerFrame } from '~~/shared/realtime/protocol'
import { backoffDelay } from '~/utils/backoff'

export type LiveStatus = 'idle' | 'connecting' | 'open' | 'closed'

export interface RoomListener {
  event?: (event: LiveEvent) => void
  typing?: (who: { userId: string, name: string }) => void
  presence?: (online: string[]) => void
  /** The server no longer holds everything missed: reload the room from the API. */
  reset?: () => void
  subscribed?: () => void
  /** The server stopped following the room for us (removed, banned, made private): the reason. */
  revoked?: (message: string) => void
}

interface RoomState { seq: number | null, listeners: Set<RoomListener> }
type Pending = { resolve: (result: Record<string, unknown>) => void, reject: (error: Error) => void, timer: ReturnType<typeof setTimeout> }

const PING_EVERY_MS = 25_000
const CALL_TIMEOUT_MS = 15_000
/** A connection that lived this long was a real one: the next drop starts the backoff afresh. */
const STABLE_AFTER_MS = 10_000

/**
 * One websocket per tab, shared by every page: rooms are followed while any component listens,
 * and after a reconnect each room is asked for what came after the last event seen, so nothing
 * is missed and (events being numbered per room) nothing is shown twice.
 */
class LiveConnection {
  readonly status = ref<LiveStatus>('idle')
  private socket: WebSocket | null = null
  private readonly rooms = new Map<string, RoomState>()
  private readonly pending = new Map<string, Pending>()
  private attempts = 0
  private openedAt = 0
  private retry: ReturnType<typeof setTimeout> | null = null
  private watchingNetwork = false
  private ping: ReturnType<typeof setInterval> | null = null
  private counter = 0

  private connect() {
    if (this.retry) clearTimeout(this.retry)
    this.retry = null
    if (!this.watchingNetwork) {
      this.watchingNetwork = true
      // Back on the network: try soon (a first-attempt wait, still jittered) rather than at the end of a long backoff.
      window.addEventListener('online', () => {
        if (!this.retry) return
        clearTimeout(this.retry)
        this.retry = setTimeout(() => this.connect(), backoffDelay(0))
      })
      // Off the network a phone's socket often hangs half-open for minutes: drop it now, so the
      // rooms resume from their last sequence number as soon as the network is back.
      window.addEventListener('offline', () => this.socket?.close())
    }
    if (this.socket) return
    this.status.value = 'connecting'
    const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/_live`)
    this.socket = socket
    socket.onopen = () => {
      this.status.value = 'open'
      this.openedAt = Date.now()
      for (const [room, state] of this.rooms) this.write({ type: 'subscribe', room, ...(state.seq === null ? {} : { since: state.seq }) })
      this.ping = setInterval(() => this.write({ type: 'ping' }), PING_EVERY_MS)
    }
    socket.onmessage = message => this.receive(JSON.parse(String(message.data)) as ServerFrame)
    socket.onclose = () => {
      this.socket = null
      this.status.value = 'closed'
      if (this.ping) clearInterval(this.ping)
      for (const [, call] of this.pending) call.reject(new Error('The live connection dropped; try again'))
      this.pending.clear()
      // Back off with jitter so a restarted server is not met by every tab at once; a server that
      // accepts and drops at once keeps the wait growing instead of being asked again and again.
      if (this.openedAt && Date.now() - this.openedAt >= STABLE_AFTER_MS) this.attempts = 0
      this.openedAt = 0
      this.retry = setTimeout(() => this.connect(), backoffDelay(this.attempts++))
    }
  }

  private write(frame: ClientFrame) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(frame))
  }

  private receive(frame: ServerFrame) {
    if (frame.type === 'ack' || (frame.type === 'error' && frame.ref)) {
      const call = frame.ref ? this.pending.get(frame.ref) : undefined
      if (!call) return
      this.pending.delete(frame.ref!)
      clearTimeout(call.timer)
      if (frame.type === 'ack') call.resolve(frame.result)
      else call.reject(new Error(frame.message))
      return
    }
    if (!('room' in frame) || !frame.room) return
    const state = this.rooms.get(frame.room)
    if (!state) return
    const each = (act: (listener: RoomListener) => void) => state.listeners.forEach(act)
    switch (frame.type) {
      case 'event':
        if (state.seq !== null && frame.seq <= state.seq) return
        state.seq = frame.seq
        return each(l => l.event?.(frame))
      case 'subscribed':
        state.seq = Math.max(state.seq ?? 0, frame.seq)
        each(l => l.presence?.(frame.online))
        return each(l => l.subscribed?.())
      case 'reset':
        state.seq = frame.seq
        return each(l => l.reset?.())
      case 'typing':
        return each(l => l.typing?.({ userId: frame.userId, name: frame.name }))
      case 'presence':
        return each(l => l.presence?.(frame.online))
      case 'error':
        // A revoked subscription is not asked for again on reconnect.
        this.rooms.delete(frame.room)
        return each(l => l.revoked?.(frame.message))
    }
  }

  follow(room: string, listener: RoomListener): () => void {
    let state = this.rooms.get(room)
    if (!state) {
      state = { seq: null, listeners: new Set() }
      this.rooms.set(room, state)
      this.write({ type: 'subscribe', room })
    }
    state.listeners.add(listener)
    this.connect()
    return () => {
      state.listeners.delete(listener)
      if (state.listeners.size) return
      this.rooms.delete(room)
      this.write({ type: 'unsubscribe', room })
    }
  }

  /** Sends a frame and resolves with the server's answer to it. */
  call(frame: ClientFrame & { ref?: string }): Promise<Record<string, unknown>> {
    this.connect()
    const ref = `r${++this.counter}`
    return new Promise((resolve, reject) => {
      if (this.socket?.readyState !== WebSocket.OPEN) return reject(new Error('Not connected yet; try again in a moment'))
      const timer = setTimeout(() => {
        this.pending.delete(ref)
        reject(new Error('No answer from the server; try again'))
      }, CALL_TIMEOUT_MS)
      this.pending.set(ref, { resolve, reject, timer })
      this.socket.send(JSON.stringify({ ...frame, ref }))
    })
  }

  /** Fire-and-forget frames (typing, read). */
  notify(frame: ClientFrame) {
    this.write(frame)
  }
}

let shared: LiveConnection | null = null

/** The tab's live connection (client only; on the server there is none). */
export function useLiveConnection(): LiveConnection | null {
  if (import.meta.server) return null
  shared ??= new LiveConnection()
  return shared
}

/** Follows a room while the calling component is mounted (and the room id is set). */
export function useLiveRoom(room: MaybeRefOrGetter<string | null | undefined>, listener: RoomListener) {
  let stop: (() => void) | null = null
  const start = () => {
    stop?.()
    stop = null
    const id = toValue(room)
    const live = useLiveConnection()
    if (id && live) stop = live.follow(id, listener)
  }
  onMounted(() => {
    start()
    watch(() => toValue(room), start)
  })
  onBeforeUnmount(() => stop?.())
}
