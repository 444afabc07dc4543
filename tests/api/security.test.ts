import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'
import { type RunningServer, startServer } from '../support/server'

const baseURL = () => inject('baseURL')
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`

describe('security headers', () => {
  it('sends a nonce-based Content-Security-Policy with pages, and the usual headers everywhere', async () => {
    const page = await fetch(`${baseURL()}/signin`)
    const csp = page.headers.get('content-security-policy') ?? ''
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    expect(csp).toContain('frame-ancestors \'none\'')
    expect(csp).toContain('object-src \'none\'')
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
    const html = await page.text()
    const scripts = html.match(/<script\b[^>]*>/g) ?? []
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`)
    // A fresh nonce for every response.
    const again = (await fetch(`${baseURL()}/signin`)).headers.get('content-security-policy')
    expect(again).not.toBe(csp)

    for (const response of [page, await fetch(`${baseURL()}/api/health`), await fetch(`${baseURL()}/api/posts/nope`)]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff')
      expect(response.headers.get('x-frame-options')).toBe('DENY')
      // Nitro's error handler sends the stricter no-referrer with errors.
      expect(['strict-origin-when-cross-origin', 'no-referrer']).toContain(response.headers.get('referrer-policy'))
      expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin')
      expect(response.headers.get('permissions-policy')).toContain('camera=()')
    }
    expect((await fetch(`${baseURL()}/api/health`)).headers.get('content-security-policy')).toContain('default-src \'none\'')
  })
})

describe('cross-site request forgery', () => {
  it('refuses cookie-authenticated writes from another origin or with no origin at all', async () => {
    const grace = await new ApiClient(baseURL()).signIn('grace')
    const body = JSON.stringify({ name: 'Forged', slug: unique('forged') })
    const json = { 'content-type': 'application/json' }
    const evil = await grace.raw('POST', '/api/communities', { body, headers: { ...json, origin: 'https://evil.example' } })
    expect(evil.status).toBe(403)
    expect(evil.json.message).toMatch(/Cross-site/)
    expect((await grace.raw('POST', '/api/communities', { body, headers: { ...json, 'origin': '', 'sec-fetch-site': 'cross-site' } })).status).toBe(403)
    expect((await grace.raw('POST', '/api/communities', { body, headers: { ...json, origin: '' } })).status).toBe(403)
    // A form post from another site, the classic forgery, fails the same way.
    const form = await grace.raw('POST', '/api/users/grace', { body: 'bio=pwned', headers: { 'content-type': 'application/x-www-form-urlencoded', 'origin': 'null' } })
    expect(form.status).toBe(403)
    // The same write from the app's own pages (Origin, or fetch metadata) goes through; reads are never checked.
    expect((await grace.raw('POST', '/api/communities', { body, headers: { ...json, 'origin': '', 'sec-fetch-site': 'same-origin' } })).status).toBe(201)
    expect((await grace.raw('GET', '/api/me', { headers: { origin: 'https://evil.example' } })).status).toBe(200)
    // Without a session cookie there is nothing to forge: the route's own answer (401) stands.
    expect((await new ApiClient(baseURL()).raw('POST', '/api/communities', { body, headers: { ...json, origin: 'https://evil.example' } })).status).toBe(401)
  })
})

describe('request body size', () => {
  it('answers 413 to a body over 64 KiB, before reading it, on API and sign-in routes alike', async () => {
    const grace = await new ApiClient(baseURL()).signIn('grace')
    const big = JSON.stringify({ name: 'x'.repeat(70 * 1024) })
    expect((await grace.raw('PATCH', '/api/users/grace', { body: big, headers: { 'content-type': 'application/json' } })).status).toBe(413)
    expect((await new ApiClient(baseURL()).raw('POST', '/api/auth/callback/credentials', { body: `handle=${'a'.repeat(70 * 1024)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })).status).toBe(413)
  })
})

describe('with tight limits', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer({ C18N_RATE_LIMIT_WRITES: '5/60', C18N_RATE_LIMIT_WRITES_IP: '8/60', C18N_RATE_LIMIT_SIGNIN: '3/60', C18N_RATE_LIMIT_SIGNIN_IP: '100/60' })
  }, 120_000)
  afterAll(() => server?.stop())

  it('limits sign-in attempts per account and address with 429 and Retry-After', async () => {
    const client = new ApiClient(server.url)
    for (let i = 0; i < 3; i++) await expect(new ApiClient(server.url).signIn('alan', 'wrong')).rejects.toThrow(/failed: 401/)
    const csrf = await client.get('/api/auth/csrf')
    const form = new URLSearchParams({ csrfToken: csrf.json.csrfToken as string, handle: 'alan', password: 'c18n-demo', json: 'true' })
    const refused = await client.raw('POST', '/api/auth/callback/credentials', { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    // Another account from the same address is still let in.
    await new ApiClient(server.url).signIn('katherine')
  })

  it('limits writes per user, then per address, with 429 and Retry-After', async () => {
    const grace = await new ApiClient(server.url).signIn('grace')
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await grace.patch('/api/users/grace', { bio: `take ${i}` })).status)
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429])
    const refused = await grace.patch('/api/users/grace', { bio: 'again' })
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(refused.json.message).toMatch(/Too many requests/)
    // Reads are not limited.
    expect((await grace.get('/api/me')).status).toBe(200)
    // Another user has their own allowance, until the address's is spent (8 writes from here).
    const ada = await new ApiClient(server.url).signIn('ada')
    expect((await ada.patch('/api/users/ada', { bio: 'one' })).status).toBe(200)
    expect((await ada.patch('/api/users/ada', { bio: 'two' })).status).toBe(200)
    expect((await ada.patch('/api/users/ada', { bio: 'three' })).status).toBe(200)
    expect((await ada.patch('/api/users/ada', { bio: 'four' })).status).toBe(429)
  })
})

describe('secrets stay on the server; Okta only when local accounts are off', () => {
  const SECRETS = { AUTH_SECRET: 'auth-secret-canary-5f1d2c', OKTA_CLIENT_SECRET: 'okta-secret-canary-9b7e44' }
  let server: RunningServer
  beforeAll(async () => {
    server = await startServer({ ...SECRETS, OKTA_ISSUER: 'http://127.0.0.1:9/oidc', OKTA_CLIENT_ID: 'client-id-canary', OKTA_ALLOWED_DOMAINS: 'okta.test', C18N_LOCAL_ACCOUNTS: 'false' })
  }, 120_000)
  afterAll(() => server?.stop())

  it('the built client bundle holds no secret, no private setting name and no key', () => {
    const root = resolve(import.meta.dirname, '../../.output/public')
    const files: string[] = []
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name)
        if (statSync(path).isDirectory()) walk(path)
        else files.push(path)
      }
    }
    walk(root)
    expect(files.filter(f => f.endsWith('.js')).length).toBeGreaterThan(5)
    const forbidden = [/AUTH_SECRET/, /OKTA_CLIENT_SECRET/, /clientSecret/, /authSecret/, /passwordHash/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /c18n-test-client-secret/, /not-for-production/]
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      for (const pattern of forbidden) expect(pattern.test(text), `${file} matches ${pattern}`).toBe(false)
    }
  })

  it('no page, payload or script served to the browser carries the running secrets', async () => {
    const pages = ['/', '/signin', '/communities', '/users', '/search?q=x']
    const seen = new Set<string>()
    for (const path of pages) {
      const response = await fetch(`${server.url}${path}`)
      const html = await response.text()
      seen.add(html)
      for (const src of html.match(/\/_nuxt\/[^"']+\.js/g) ?? []) seen.add(await (await fetch(`${server.url}${src}`)).text())
    }
    const signin = await (await fetch(`${server.url}/signin`)).text()
    expect(signin).toContain('Sign in with Okta')
    expect(signin).not.toContain('name="password"')
    for (const text of seen) for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret)
    for (const path of ['/api/auth/providers', '/api/auth/session', '/api/auth/csrf', '/api/openapi.json']) {
      const text = await (await fetch(`${server.url}${path}`)).text()
      for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret)
    }
  })

  it('turns local accounts off with C18N_LOCAL_ACCOUNTS=false: only Okta is offered, and passwords are not checked', async () => {
    const providers = await (await fetch(`${server.url}/api/auth/providers`)).json() as Record<string, unknown>
    expect(Object.keys(providers)).toEqual(['okta'])
    await expect(new ApiClient(server.url).signIn('grace')).rejects.toThrow(/sign-in as grace failed/)
  })
})
