import type { AuthOptions } from 'next-auth'
import CredentialsProvider from 'next-auth/providers/credentials'
import OktaProvider from 'next-auth/providers/okta'
import { z } from 'zod'
import { slugSchema } from '../../shared/schemas/common'
import { emailAllowed, parseDomains } from '../../core/security/identity'
import { authSecret } from './auth-secret'
import { useDomain } from './domain'

const credentialsSchema = z.object({ handle: slugSchema, password: z.string().min(1).max(200) })

// next-auth ships CommonJS; under ESM its provider factory sits on `default`.
const credentials = ((CredentialsProvider as unknown as { default?: typeof CredentialsProvider }).default ?? CredentialsProvider)

const okta = ((OktaProvider as unknown as { default?: typeof OktaProvider }).default ?? OktaProvider)

export const localAccountsEnabled = () => process.env.C18N_LOCAL_ACCOUNTS !== 'false'

/** Okta single sign-on is on when its issuer, client id and client secret are all set. */
export function oktaSettings() {
  const { OKTA_ISSUER: issuer, OKTA_CLIENT_ID: clientId, OKTA_CLIENT_SECRET: clientSecret } = process.env
  if (!issuer || !clientId || !clientSecret) return null
  const allowedDomains = parseDomains(process.env.OKTA_ALLOWED_DOMAINS)
  return { issuer: issuer.replace(/\/+$/, ''), clientId, clientSecret, allowedDomains }
}

/** Thrown for a token whose session was ended (signed out, signed out everywhere). */
class SessionRevokedError extends Error {
  constructor() {
    super('This session has ended: sign in again')
    this.name = 'SessionRevokedError'
  }
}

/** How long a session lasts unused (hours, C18N_SESSION_HOURS, 12 by default); each use within it renews it. */
export function sessionMaxAgeSeconds(): number {
  const hours = Number(process.env.C18N_SESSION_HOURS ?? 12)
  return Math.round((Number.isFinite(hours) && hours > 0 ? hours : 12) * 60 * 60)
}

/**
 * Sessions are JWTs holding the user id and the user's session version when it was issued;
 * pages and routes look the user up, and a token of an older version (signed out, "sign out
 * everywhere") is no session at all.
 */
export function authOptions(): AuthOptions {
  const providers: AuthOptions['providers'] = []
  if (localAccountsEnabled()) {
    providers.push(credentials({
      id: 'credentials',
      name: 'Demo account',
      credentials: { handle: { label: 'Handle', type: 'text' }, password: { label: 'Password', type: 'password' } },
      async authorize(input) {
        const parsed = credentialsSchema.safeParse(input)
        if (!parsed.success) return null
        const user = await (await useDomain()).users.verifyCredentials(parsed.data.handle, parsed.data.password)
        return user ? { id: user.id, name: user.displayName, image: user.avatarUrl } : null
      },
    }))
  }
  const sso = oktaSettings()
  if (sso) {
    providers.push(okta({ issuer: sso.issuer, clientId: sso.clientId, clientSecret: sso.clientSecret, checks: ['pkce', 'state'] }))
  }
  return {
    secret: authSecret(),
    session: { strategy: 'jwt', maxAge: sessionMaxAgeSeconds(), updateAge: Math.min(60 * 60, Math.floor(sessionMaxAgeSeconds() / 4)) },
    pages: { signIn: '/signin', error: '/signin' },
    providers,
    logger: {
      // A revoked session is an answer, not a fault: it is not logged as one.
      error(code, metadata) {
        const cause = (metadata as { error?: unknown } | undefined)?.error ?? metadata
        if (code === 'JWT_SESSION_ERROR' && cause instanceof SessionRevokedError) return
        console.error(`[next-auth][error][${code}]`, metadata)
      },
    },
    events: {
      // Signing out ends this session server-side: the cookie's token stops working even if
      // kept, and the person's other devices stay signed in. A token from before session ids
      // ends every session, the only way to end it.
      async signOut({ token }) {
        if (!token?.sub) return
        const sessions = (await useDomain()).sessions
        if (typeof token.sid === 'string') await sessions.end(token.sub, token.sid)
        else await sessions.revokeAll(token.sub)
      },
    },
    callbacks: {
      signIn({ account, profile }) {
        if (account?.provider !== 'okta') return true
        const claims = profile as { email?: unknown, email_verified?: unknown } | undefined
        return emailAllowed(claims?.email, claims?.email_verified, sso?.allowedDomains ?? [])
      },
      async jwt({ token, user, account, profile }) {
        if (account?.provider === 'okta' && profile) {
          // The first sign-in makes the profile from the claims; later ones find it by the subject.
          const claims = profile as { sub?: string, email?: string, name?: string, preferred_username?: string, picture?: string }
          const domainUser = await (await useDomain()).users.signInWithIdentity({
            provider: 'okta', subject: String(claims.sub ?? account.providerAccountId), email: claims.email, name: claims.name,
            preferredUsername: claims.preferred_username, picture: claims.picture,
          })
          token.sub = domainUser.id
          token.name = domainUser.displayName
          token.picture = domainUser.avatarUrl
          delete token.email
        }
        else if (user) token.sub = user.id
        // Issued now: the token holds the version that ends it when raised.
        if (user && token.sub) Object.assign(token, await (await useDomain()).sessions.issue(token.sub))
        // Read later: a token of an older version or of an ended session is refused, and next-auth clears its cookie.
        else if (token.sub && !(await (await useDomain()).sessions.valid(token.sub, token.sv, token.sid))) throw new SessionRevokedError()
        return token
      },
      async session({ session, token }) {
        const user = token.sub ? await (await useDomain()).users.activeById(token.sub) : null
        if (user) session.user = { id: user.id, handle: user.handle, name: user.displayName, image: user.avatarUrl, role: user.role } as typeof session.user
        return session
      },
    },
  }
}
