// A real OpenID Provider (the certified `oidc-provider` package) on loopback, standing in for
// Okta in tests. It knows one confidential client (the app) and a few test people; its built-in
// development login and consent pages take the person's login name.
//
//   OIDC_PORT=3322 APP_URL=http://127.0.0.1:3321 node tests/support/oidc-provider.mjs
import { generateKeyPairSync } from 'node:crypto'
import Provider from 'oidc-provider'

const port = Number(process.env.OIDC_PORT ?? 3322)
const appURL = process.env.APP_URL ?? 'http://127.0.0.1:3321'
export const issuer = `http://127.0.0.1:${port}`

/** The people this provider knows; any other login name is refused. */
const PEOPLE = {
  amelia: { email: 'amelia.earhart@okta.test', name: 'Amelia Earhart', preferred_username: 'amelia.earhart@okta.test' },
  bessie: { email: 'bessie.coleman@okta.test', name: 'Bessie Coleman', preferred_username: 'bessie.coleman@okta.test' },
  mallory: { email: 'mallory@elsewhere.test', name: 'Mallory Outsider', preferred_username: 'mallory@elsewhere.test' },
}

// A fresh signing key each run: the app discovers it through the JWKS endpoint.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' }

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID ?? 'c18n-test-client',
    client_secret: process.env.OIDC_CLIENT_SECRET ?? 'c18n-test-client-secret-0123456789',
    redirect_uris: [`${appURL}/api/auth/callback/okta`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [jwk] },
  cookies: { keys: ['oidc-test-cookie-key-not-for-production'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
  // next-auth reads the profile from the ID token, so it carries the scopes' claims too.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    const person = PEOPLE[id]
    if (!person) return undefined
    return { accountId: id, claims: async () => ({ sub: `okta-${id}`, email_verified: true, ...person }) }
  },
})
provider.proxy = false
provider.on('server_error', (_ctx, error) => console.error(`[oidc] ${error.stack}`))

provider.listen(port, '127.0.0.1', () => console.info(`[oidc] OpenID Provider for tests at ${issuer}`))
