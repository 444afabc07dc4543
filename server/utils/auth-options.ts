import type { AuthOptions } from 'next-auth'
import CredentialsProvider from 'next-auth/providers/credentials'
import { z } from 'zod'
import { slugSchema } from '../../shared/schemas/common'
import { authSecret } from './auth-secret'
import { useDomain } from './domain'

const credentialsSchema = z.object({ handle: slugSchema, password: z.string().min(1).max(200) })

// next-auth ships CommonJS; under ESM its provider factory sits on `default`.
const credentials = ((CredentialsProvider as unknown as { default?: typeof CredentialsProvider }).default ?? CredentialsProvider)

export const localAccountsEnabled = () => process.env.C18N_LOCAL_ACCOUNTS !== 'false'

/** Sessions are JWTs holding only the user id; pages and routes look the user up. */
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
  return {
    secret: authSecret(),
    session: { strategy: 'jwt', maxAge: 30 * 24 * 60 * 60 },
    pages: { signIn: '/signin', error: '/signin' },
    providers,
    callbacks: {
      jwt({ token, user }) {
        if (user) token.sub = user.id
        return token
      },
      async session({ session, token }) {
        const user = token.sub ? await (await useDomain()).users.byId(token.sub) : null
        if (user) session.user = { id: user.id, handle: user.handle, name: user.displayName, image: user.avatarUrl, role: user.role } as typeof session.user
        return session
      },
    },
  }
}
