import WebSocket from 'ws'

export type Frame = Record<string, any> & { type: string }

/** A websocket client for tests: keeps every frame, and waits for the one it needs. */
export class LiveClient {
  readonly frames: Frame[] = []
  closed: { code: number, reason: string } | null = null
  private waiters: Array<() => void> = []
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(JSON.parse(String(data)) as Frame)
      this.wake()
    })
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) }
      this.wake()
    })
  }

  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter()
  }

  static connect(baseURL: string, options: { cookie?: string, origin?: string } = {}): Promise<LiveClient> {
    const socket = new WebSocket(`${baseURL.replace(/^http/, 'ws')}/_live`, {
      headers: options.cookie ? { cookie: options.cookie } : {},
      ...(options.origin ? { origin: options.origin } : {}),
    })
    const client = new LiveClient(socket)
    return new Promise((resolve, reject) => {
      socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)))
      socket.once('error', reject)
      client.next(f => f.type === 'hello').then(() => resolve(client), reject)
    })
  }

  send(frame: unknown) {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** The first frame (from `from` on) that matches; fails after `ms`. */
  async next(match: (frame: Frame) => boolean, ms = 5000, from = 0): Promise<Frame> {
    const deadline = Date.now() + ms
    for (;;) {
      const found = this.frames.slice(from).find(match)
      if (found) return found
      if (this.closed) throw new Error(`closed (${this.closed.code} ${this.closed.reason}) while waiting`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no matching frame within ${ms} ms; got ${JSON.stringify(this.frames.slice(-5))}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Sends a frame with a reference and waits for its ack or error. */
  async call(frame: Record<string, unknown>, ms = 10_000): Promise<Frame> {
    const ref = Math.random().toString(36).slice(2)
    this.send({ ...frame, ref })
    return this.next(f => (f.type === 'ack' || f.type === 'error' || f.type === 'subscribed' || f.type === 'unsubscribed') && f.ref === ref, ms)
  }

  events(room: string): Frame[] {
    return this.frames.filter(f => f.type === 'event' && f.room === room)
  }

  async waitClosed(ms = 5000) {
    await this.next(() => false, ms).catch(() => {})
    return this.closed
  }

  close() {
    this.socket.close()
  }
}
