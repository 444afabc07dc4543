import { decode } from 'next-auth/jwt'
import type { Actor, Domain } from '../../core/domain'
import { authSecret } from './auth-secret'

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
export async function actorOfUpgrade(headers: Headers, domain: Domain): Promise<{ actor: Actor, name: string } | null> {
  const cookies = cookiesOf(headers.get('cookie'))
  const name = SESSION_COOKIES.find(n => cookies.has(n))
  if (!name) return null
  const token = await decode({ token: cookies.get(name), secret: authSecret() }).catch(() => null)
  const user = token?.sub ? await domain.users.byId(token.sub) : null
  return user ? { actor: { id: user.id, role: user.role }, name: user.displayName } : null
}

/**
 * A browser always names the page that opens a websocket; one from another site is refused so
 * that a foreign page cannot act with the visitor's cookies. Clients that are not browsers send
 * no Origin and carry no ambient cookies to abuse.
 */
export function originAllowed(headers: Headers): boolean {
  const origin = headers.get('origin')
  if (!origin) return true
  let host: string
  try {
    host = new URL(origin).host
  }
  catch {
    return false
  }
  const allowed = new Set([headers.get('host') ?? ''])
  if (process.env.AUTH_ORIGIN) allowed.add(new URL(process.env.AUTH_ORIGIN).host)
  for (const extra of (process.env.C18N_ALLOWED_ORIGINS ?? '').split(',').filter(Boolean)) allowed.add(new URL(extra).host)
  return allowed.has(host)
}
