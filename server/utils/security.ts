import type { H3Event } from 'h3'
import { createError, getRequestHeader, getRequestIP, getRequestURL, parseCookies, setResponseHeader } from 'h3'
import { RateLimiter, type RateRule, checkAll, rateRules } from '../../core/security/rate-limit'
import { useDomain } from './domain'

/** Behind a reverse proxy, C18N_TRUST_PROXY=true reads the client's address and host from X-Forwarded-*. */
const trustProxy = () => process.env.C18N_TRUST_PROXY === 'true'

export const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export function clientIp(event: H3Event): string {
  return getRequestIP(event, { xForwardedFor: trustProxy() }) ?? 'unknown'
}

/** The origins a browser page of this app is served from: the request's own, AUTH_ORIGIN's and C18N_ALLOWED_ORIGINS. */
export function allowedOriginsFor(requestOrigin: string): Set<string> {
  const origins = new Set([requestOrigin])
  for (const candidate of [process.env.AUTH_ORIGIN, ...(process.env.C18N_ALLOWED_ORIGINS ?? '').split(',')]) {
    if (!candidate?.trim()) continue
    try {
      origins.add(new URL(candidate.trim()).origin)
    }
    catch { /* not a URL: ignored */ }
  }
  return origins
}

export function allowedOrigins(event: H3Event): Set<string> {
  return allowedOriginsFor(getRequestURL(event, { xForwardedHost: trustProxy(), xForwardedProto: trustProxy() }).origin)
}

/**
 * For a websocket upgrade (a web Request rather than an H3 event): whether its Origin is this
 * app's. Browsers always send Origin on upgrades; a missing one is not a browser and is refused.
 */
export function upgradeFromOwnOrigin(request: Request): boolean {
  const origin = request.headers.get('origin')
  if (!origin) return false
  const url = new URL(request.url)
  const forwardedHost = trustProxy() ? request.headers.get('x-forwarded-host') : null
  const forwardedProto = trustProxy() ? request.headers.get('x-forwarded-proto') : null
  const own = forwardedHost ? `${forwardedProto ?? url.protocol.replace(':', '')}://${forwardedHost}` : url.origin
  return allowedOriginsFor(own.replace(/^ws/, 'http')).has(origin)
}

/**
 * Whether a request comes from this app's own pages, in the spirit of SvelteKit's checkOrigin:
 * browsers send Origin on every unsafe request and Sec-Fetch-Site on every request, and no page
 * on another site can forge either. The Referer is the fallback for old browsers. A request with
 * none of the three is not from a browser. The websocket upgrade may use it with `requireHeader`.
 */
export function fromOwnOrigin(event: H3Event, options: { requireHeader: boolean } = { requireHeader: true }): boolean {
  const origin = getRequestHeader(event, 'origin')
  if (origin) return allowedOrigins(event).has(origin)
  const site = getRequestHeader(event, 'sec-fetch-site')
  if (site) return site === 'same-origin' || site === 'none'
  const referer = getRequestHeader(event, 'referer')
  if (referer) {
    try {
      return allowedOrigins(event).has(new URL(referer).origin)
    }
    catch {
      return false
    }
  }
  return !options.requireHeader
}

const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token']
export const hasSessionCookie = (event: H3Event) => {
  const cookies = parseCookies(event)
  return SESSION_COOKIES.some(name => Object.keys(cookies).some(key => key === name || key.startsWith(`${name}.`)))
}

let limiter: Promise<RateLimiter> | null = null
let rules: ReturnType<typeof rateRules> | null = null

/** The process's limiter, counting in the Cache port (Redis on the real stack). */
export function useRateLimiter(): Promise<RateLimiter> {
  limiter ??= useDomain().then(domain => new RateLimiter(domain.ports.cache))
  return limiter
}
export const useRateRules = () => (rules ??= rateRules())

/** Throws 429 with Retry-After when any of the checks is over its limit. */
export async function enforceRateLimits(event: H3Event, checks: Array<[RateRule, string]>) {
  const decision = await checkAll(await useRateLimiter(), checks)
  if (decision.allowed) return
  setResponseHeader(event, 'Retry-After', String(decision.retryAfterSeconds))
  throw createError({ statusCode: 429, statusMessage: 'Too Many Requests', message: `Too many requests: try again in ${decision.retryAfterSeconds} s` })
}

/**
 * For the websocket endpoint: whether one more frame from this user and address is allowed, and
 * if not, how long to wait. Frames have no status line, so the caller answers in its own protocol.
 */
export async function allowFrame(userId: string | null, ip: string) {
  const { framesPerUser, framesPerIp } = useRateRules()
  return checkAll(await useRateLimiter(), [...(userId ? [[framesPerUser, userId] as [RateRule, string]] : []), [framesPerIp, ip]])
}
