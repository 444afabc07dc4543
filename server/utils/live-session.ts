import { decode } from 'next-auth/jwt'
import type { Actor, Domain } from '../../core/domain'
import { authSecret } from './auth-secret'
import { upgradeFromOwnOrigin } from './security'

const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token']

function cookiesOf(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>()
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at > 0) cookies.set(part.slice(0, at).trim(), decodeURIComponent(part.slice(at + 1).trim()))
  }
  return cookies
}

/**
 * The signed-in user behind a websocket upgrade, from the same session cookie the pages use
 * (a JWT sealed with the auth secret); null for a visitor or a session that does not verify.
 */
export async function actorOfUpgrade(headers: Headers, domain: Domain): Promise<{ actor: Actor, name: string, sessionVersion: number, sessionId: string | null } | null> {
  const cookies = cookiesOf(headers.get('cookie'))
  const name = SESSION_COOKIES.find(n => cookies.has(n))
  if (!name) return null
  const token = await decode({ token: cookies.get(name), secret: authSecret() }).catch(() => null)
  // A signed-out (revoked) session opens no signed-in connection.
  if (!token?.sub || !(await domain.sessions.valid(token.sub, token.sv, token.sid))) return null
  const user = await domain.users.activeById(token.sub)
  return user ? { actor: { id: user.id, role: user.role }, name: user.displayName, sessionVersion: typeof token.sv === 'number' ? token.sv : 0, sessionId: typeof token.sid === 'string' ? token.sid : null } : null
}

/**
 * A browser always names the page that opens a websocket; one from another origin is refused so
 * that a foreign page cannot act with the visitor's cookies. The comparison is the REST one:
 * scheme, host and port exactly (an upgrade arrives as http(s), so ws(s) origins never match).
 * Clients that are not browsers send no Origin and carry no ambient cookies to abuse.
 */
export function originAllowed(request: Request): boolean {
  const origin = request.headers.get('origin')
  if (!origin) return true
  return upgradeFromOwnOrigin(request)
}
