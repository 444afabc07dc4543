import type { Cache, CacheCommand } from '../ports'

/** At most `limit` hits per `windowSeconds`; a limit of 0 switches the rule off. */
export interface RateRule { name: string, limit: number, windowSeconds: number }

export interface RateDecision {
  allowed: boolean
  /** Hits left in the current window (0 when refused). */
  remaining: number
  /** When refused: whole seconds until a hit would be allowed again. */
  retryAfterSeconds: number
}

const ALLOWED: RateDecision = { allowed: true, remaining: Number.POSITIVE_INFINITY, retryAfterSeconds: 0 }

/**
 * A sliding-window counter kept in the Cache port (Redis on the real stack, so every app
 * process shares the counts): the current fixed window's count plus the previous window's,
 * weighted by how much of it still overlaps the sliding window. Two keys per subject, each
 * expiring on its own; no clean-up needed. Every rule of a request is counted in one pipelined
 * round trip: a write checks two or three rules, and this runs before every write.
 */
export class RateLimiter {
  constructor(private readonly cache: Pick<Cache, 'batch'>, private readonly now: () => number = Date.now) {}

  hit(rule: RateRule, subject: string): Promise<RateDecision> {
    return this.hitAll([[rule, subject]])
  }

  /**
   * Counts a hit on each rule, in order; the first rule that refuses decides, and its hit and
   * those after it are taken back (so a refused client is not counted and gets back in).
   */
  async hitAll(checks: Array<[RateRule, string]>): Promise<RateDecision> {
    const now = this.now()
    const slots = checks.filter(([rule]) => rule.limit > 0).map(([rule, subject]) => {
      const windowMs = rule.windowSeconds * 1000
      const window = Math.floor(now / windowMs)
      const key = (w: number) => `ratelimit:${rule.name}:${subject}:${w}`
      return { rule, elapsed: (now - window * windowMs) / windowMs, current: key(window), previous: key(window - 1) }
    })
    if (!slots.length) return ALLOWED
    const counted = await this.cache.batch(slots.flatMap(({ rule, current, previous }): CacheCommand[] => [['incrBy', current, 1], ['expire', current, rule.windowSeconds * 2 + 1], ['get', previous]]))
    let tightest = ALLOWED
    for (const [i, { rule, elapsed }] of slots.entries()) {
      const current = Number(counted[i * 3])
      const previous = Number(counted[i * 3 + 2] ?? 0)
      const estimate = previous * (1 - elapsed) + current
      if (estimate > rule.limit) {
        await this.cache.batch(slots.slice(i).map(({ current: key }): CacheCommand => ['incrBy', key, -1]))
        return { allowed: false, remaining: 0, retryAfterSeconds: this.retryAfter(rule, previous, current - 1, elapsed) }
      }
      const remaining = Math.floor(rule.limit - estimate)
      if (remaining < tightest.remaining) tightest = { allowed: true, remaining, retryAfterSeconds: 0 }
    }
    return tightest
  }

  /** The wait until the previous window's weight has shrunk enough, or the window turns. */
  private retryAfter(rule: RateRule, previous: number, current: number, elapsed: number): number {
    const untilTurn = (1 - elapsed) * rule.windowSeconds
    if (current >= rule.limit || previous === 0) return Math.max(1, Math.ceil(untilTurn))
    // previous * (1 - e) + current + 1 <= limit  ⇔  e >= 1 - (limit - current - 1) / previous
    const needed = 1 - (rule.limit - current - 1) / previous
    return Math.max(1, Math.ceil(Math.min(untilTurn, (needed - elapsed) * rule.windowSeconds)))
  }
}

/**
 * A rule from an environment variable: `N` (hits per default window) or `N/S` (hits per S
 * seconds); `0` switches it off. Anything else falls back to the default, with a warning.
 */
export function ruleFromEnv(name: string, variable: string, fallback: { limit: number, windowSeconds: number }, env: Record<string, string | undefined> = process.env): RateRule {
  const raw = env[variable]?.trim()
  if (!raw) return { name, ...fallback }
  const match = /^(\d+)(?:\/(\d+))?$/.exec(raw)
  if (!match || (match[2] !== undefined && Number(match[2]) === 0)) {
    console.warn(`[c18n] ${variable}=${raw} is not "N" or "N/seconds"; using ${fallback.limit}/${fallback.windowSeconds}`)
    return { name, ...fallback }
  }
  return { name, limit: Number(match[1]), windowSeconds: match[2] ? Number(match[2]) : fallback.windowSeconds }
}

/** The limits the app applies; each is configurable and each can be switched off with 0. */
export function rateRules(env: Record<string, string | undefined> = process.env) {
  return {
    /** Sign-in attempts per IP and handle: slows password guessing on one account. */
    signInPerAccount: ruleFromEnv('signin-account', 'C18N_RATE_LIMIT_SIGNIN', { limit: 20, windowSeconds: 300 }, env),
    /** Sign-in attempts per IP, whatever the handle: slows spraying many accounts. */
    signInPerIp: ruleFromEnv('signin-ip', 'C18N_RATE_LIMIT_SIGNIN_IP', { limit: 120, windowSeconds: 300 }, env),
    /** Writes (POST, PATCH, PUT, DELETE under /api) per signed-in user. */
    writesPerUser: ruleFromEnv('writes-user', 'C18N_RATE_LIMIT_WRITES', { limit: 600, windowSeconds: 60 }, env),
    /** Writes per IP, signed in or not: many users behind one address share it. */
    writesPerIp: ruleFromEnv('writes-ip', 'C18N_RATE_LIMIT_WRITES_IP', { limit: 3000, windowSeconds: 60 }, env),
    /** Websocket frames per connection's user (for the websocket endpoint). */
    framesPerUser: ruleFromEnv('frames-user', 'C18N_RATE_LIMIT_FRAMES', { limit: 120, windowSeconds: 10 }, env),
    /** Websocket frames per IP. */
    framesPerIp: ruleFromEnv('frames-ip', 'C18N_RATE_LIMIT_FRAMES_IP', { limit: 600, windowSeconds: 10 }, env),
  }
}
export type RateRules = ReturnType<typeof rateRules>

/** Applies several rules, stopping at the first refusal; `C18N_RATE_LIMIT=off` switches all off. */
export async function checkAll(limiter: RateLimiter, checks: Array<[RateRule, string]>, env: Record<string, string | undefined> = process.env): Promise<RateDecision> {
  if (env.C18N_RATE_LIMIT === 'off') return ALLOWED
  return limiter.hitAll(checks)
}
