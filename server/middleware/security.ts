import { createError, defineEventHandler, getRequestHeader, getRequestProtocol, readBody, setResponseHeaders } from 'h3'
import { MAX_BODY_BYTES } from '../utils/route'
import { getCurrentUser } from '../utils/session'
import { UNSAFE_METHODS, clientIp, enforceRateLimits, fromOwnOrigin, hasSessionCookie, useRateRules } from '../utils/security'

/** Sent with every response; pages get their Content-Security-Policy from the csp plugin. */
const HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()',
  // Responses that are not pages (JSON, assets) need no scripts, frames or plugins at all.
  'Content-Security-Policy': 'default-src \'none\'; frame-ancestors \'none\'; base-uri \'none\'; form-action \'none\'',
}

const MEDIA_CONTENT = /^\/api\/media\/[A-Za-z0-9_-]+\/content$/

const isSignIn = (path: string) => /^\/api\/auth\/(callback|signin)\//.test(path)

/**
 * Hardening in front of every route: security headers, request body size, cross-site request
 * forgery (unsafe requests carrying the session cookie must come from this app's own pages) and
 * rate limits on sign-in and on writes.
 */
export default defineEventHandler(async (event) => {
  setResponseHeaders(event, HEADERS)
  if (getRequestProtocol(event, { xForwardedProto: process.env.C18N_TRUST_PROXY === 'true' }) === 'https') {
    setResponseHeaders(event, { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' })
  }
  const path = event.path.split('?')[0]!
  if (!path.startsWith('/api/') || !UNSAFE_METHODS.has(event.method)) return

  const length = getRequestHeader(event, 'content-length')
  // The embedded upload route takes a file, bounded by its own ticket rather than the JSON limit.
  if (length !== undefined && Number(length) > MAX_BODY_BYTES && !(event.method === 'PUT' && MEDIA_CONTENT.test(path))) {
    throw createError({ statusCode: 413, statusMessage: 'Content Too Large', message: `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB` })
  }
  if (length === undefined && getRequestHeader(event, 'transfer-encoding')) {
    throw createError({ statusCode: 411, statusMessage: 'Length Required', message: 'Send the request body with a Content-Length' })
  }

  const rules = useRateRules()
  const ip = clientIp(event)
  if (path.startsWith('/api/auth/')) {
    // next-auth checks its own double-submit CSRF token on these routes.
    if (!isSignIn(path)) return
    const body = await readBody<Record<string, unknown> | undefined>(event).catch(() => undefined)
    const handle = typeof body?.handle === 'string' ? body.handle.trim().toLowerCase().slice(0, 64) : ''
    await enforceRateLimits(event, [[rules.signInPerIp, ip], ...(handle ? [[rules.signInPerAccount, `${ip}:${handle}`] as [typeof rules.signInPerAccount, string]] : [])])
    return
  }

  if (hasSessionCookie(event) && !fromOwnOrigin(event)) {
    throw createError({ statusCode: 403, statusMessage: 'Forbidden', message: 'Cross-site request refused: send it from this site (Origin header)' })
  }
  const user = await getCurrentUser(event)
  await enforceRateLimits(event, [...(user ? [[rules.writesPerUser, user.id] as [typeof rules.writesPerUser, string]] : []), [rules.writesPerIp, ip]])
})
