import { randomUUID } from 'node:crypto'
import type { Ports } from '../ports'
import { DuplicateKeyError } from '../ports'
import { SESSIONS_CHANNEL, type SessionRevoked, announceSessionRevoked } from '../realtime/access'

interface SessionVersionDoc { _id: string, version: number, revokedAt: string }
/** One session ended by signing out of it; the others of the same person go on. */
interface EndedSessionDoc { _id: string, userId: string, endedAt: string }

/** What a new token carries: the version that ends every session, and its own session's id. */
export interface SessionClaims { sv: number, sid: string }

/** How long an instance trusts the version it last read; a revocation it hears of clears it at once. */
export const SESSION_VERSION_TTL_MS = 5_000

/** Known ended sessions kept per instance before the oldest are forgotten (and read again). */
const ENDED_CACHE_LIMIT = 10_000

/**
 * Sessions that can end: a session token names the user's session version it was issued at and
 * its own session id, and is good only while that is still the user's version and that session
 * was not ended. Signing out ends the one session; a password change, a ban from the site and
 * "sign out everywhere" raise the version: every token issued before stops working on every
 * instance, and their live connections close.
 */
export class SessionService {
  private readonly cached = new Map<string, { version: number, at: number }>()
  private readonly endedCache = new Map<string, { ended: boolean, at: number }>()
  private listening: Promise<unknown> | null = null

  constructor(private readonly ports: Pick<Ports, 'store' | 'cache'>, private readonly now: () => number = Date.now) {}

  private get versions() { return this.ports.store.collection<SessionVersionDoc>('session_versions') }
  private get endedSessions() { return this.ports.store.collection<EndedSessionDoc>('ended_sessions') }

  /** Other instances' revocations clear this instance's cache as they happen. */
  private listen() {
    this.listening ??= this.ports.cache.subscribe(SESSIONS_CHANNEL, (_channel, text) => {
      const revoked = JSON.parse(text) as SessionRevoked
      if (revoked.sessionId) this.remember(revoked.sessionId, true)
      else this.cached.delete(revoked.userId)
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

  /** The claims of a token issued now. */
  async issue(userId: string): Promise<SessionClaims> {
    return { sv: await this.current(userId), sid: randomUUID() }
  }

  /** Whether a token's claims are still a session: the current version, and a session not ended. */
  async valid(userId: string, tokenVersion: unknown, sessionId?: unknown): Promise<boolean> {
    if ((typeof tokenVersion === 'number' ? tokenVersion : 0) !== await this.current(userId)) return false
    return typeof sessionId !== 'string' || !(await this.ended(sessionId))
  }

  private async ended(sessionId: string): Promise<boolean> {
    const hit = this.endedCache.get(sessionId)
    if (hit && (hit.ended || this.now() - hit.at < SESSION_VERSION_TTL_MS)) return hit.ended
    const ended = !!(await this.endedSessions.findOne({ _id: sessionId }))
    this.remember(sessionId, ended)
    return ended
  }

  private remember(sessionId: string, ended: boolean) {
    // The oldest go first; one forgotten is read from the store again when asked.
    for (const id of this.endedCache.keys()) {
      if (this.endedCache.size < ENDED_CACHE_LIMIT) break
      this.endedCache.delete(id)
    }
    this.endedCache.set(sessionId, { ended, at: this.now() })
  }

  /** Ends one session (signing out of it): that token stops working everywhere, the others go on. */
  async end(userId: string, sessionId: string): Promise<void> {
    try {
      await this.endedSessions.insertOne({ _id: sessionId, userId, endedAt: new Date(this.now()).toISOString() })
    }
    catch (error) {
      // Signing out twice of the same session ends it once.
      if (!(error instanceof DuplicateKeyError)) throw error
    }
    this.remember(sessionId, true)
    await announceSessionRevoked(this.ports.cache, { userId, sessionId })
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
