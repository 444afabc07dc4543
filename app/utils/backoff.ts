export interface BackoffOptions {
  /** The first retry's ceiling. */
  baseMs: number
  /** No wait is longer than this, however many attempts failed. */
  maxMs: number
}

export const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 15_000 }

/**
 * How long to wait before retry number `attempt` (0 for the first): an exponential ceiling, capped,
 * with "equal jitter" (a random point in its upper half). The jitter spreads a thousand clients
 * that lost the same server at the same moment over the whole window instead of one instant, and
 * the lower bound keeps any of them from hammering a server that is still down.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = RECONNECT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt))
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
