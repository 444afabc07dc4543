import type { Ports } from '../ports'
import { DuplicateKeyError } from '../ports'
import { SESSIONS_CHANNEL, type SessionRevoked, announceSessionRevoked } from '../realtime/access'

interface SessionVersionDoc { _id: string, version: number, revokedAt: string }

/** How long an instance trusts the version it last read; a revocation it hears of clears it at once. */
export const SESSION_VERSION_TTL_MS = 5_000

/**
 * Sessions that can end: a session token names the user's session version it was issued at,
 * and is good only while that is still the user's version. Signing out, a password change, a
 * ban from the site and "sign out everywhere" raise it: every token issued before stops
 * working on every instance, and their live connections close.
 */
export class SessionService {
  private readonly cached = new Map<string, { version: number, at: number }>()
  private listening: Promise<unknown> | null = null

  constructor(private readonly ports: Pick<Ports, 'store' | 'cache'>, private readonly now: () => number = Date.now) {}

  private get versions() { return this.ports.store.collection<SessionVersionDoc>('session_versions') }

  /** Other instances' revocations clear this instance's cache as they happen. */
  private listen() {
    this.listening ??= this.ports.cache.subscribe(SESSIONS_CHANNEL, (_channel, text) => {
      this.cached.delete((JSON.parse(text) as SessionRevoked).userId)
    }).catch(() => { this.listening = null })
    return this.listening
  }

  /** The version a token must carry to be good now. */
  async current(userId: string): Promise<number> {
    await this.listen()
    const hit = this.cached.get(userId)
    if (hit && this.now() - hit.at < SESSION_VERSION_TTL_MS) return hit.version
    const version = (await this.versions.findOne({ _id: userId }))?.version ?? 0
    this.cached.set(userId, { version, at: this.now() })
    return version
  }

  async valid(userId: string, tokenVersion: unknown): Promise<boolean> {
    return (typeof tokenVersion === 'number' ? tokenVersion : 0) === await this.current(userId)
  }

  /** Ends every session the user has: the tokens issued so far stop working everywhere. */
  async revokeAll(userId: string): Promise<number> {
    const revokedAt = new Date(this.now()).toISOString()
    const raise = () => this.versions.updateOne({ _id: userId }, { $inc: { version: 1 }, $set: { revokedAt } })
    let version = (await raise())?.version
    if (version === undefined) {
      try {
        await this.versions.insertOne({ _id: userId, version: 1, revokedAt })
        version = 1
      }
      catch (error) {
        // Two revocations at once: the other made the document; raise it again.
        if (!(error instanceof DuplicateKeyError)) throw error
        version = (await raise())?.version ?? 1
      }
    }
    this.cached.delete(userId)
    await announceSessionRevoked(this.ports.cache, { userId, version })
    return version
  }
}
