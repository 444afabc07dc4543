import { afterAll, describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'
import { LiveClient } from '../support/live-client'
import { generatedHandles } from '../support/people'

const baseURL = () => inject('baseURL')
const sockets: LiveClient[] = []
afterAll(() => sockets.forEach(s => s.close()))

/** Requests made with a copy of a client's cookie as it is now: the cookie kept (or stolen) after signing out. */
function copyOf(client: ApiClient) {
  const cookie = client.cookieHeader
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${client.baseURL}${path}`, {
      method, redirect: 'manual', body: body === undefined ? undefined : JSON.stringify(body),
      headers: { cookie, origin: client.baseURL, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    })
    const text = await response.text()
    return { status: response.status, json: (text ? JSON.parse(text) : null) as Record<string, any> | null }
  }
  return { get: (path: string) => call('GET', path), patch: (path: string, body: unknown) => call('PATCH', path, body) }
}

/**
 * A generated demo person from the front of the directory, for changes that stay (a new password,
 * a ban): the connection and home-feed suites take theirs from the end, the system test signs in as
 * the first, the rest use the named accounts.
 */
const firstGenerated = async (index: number) => (await generatedHandles(baseURL()))[index]!

async function signOut(client: ApiClient) {
  const csrf = await client.get('/api/auth/csrf')
  const form = new URLSearchParams({ csrfToken: csrf.json.csrfToken as string, json: 'true' })
  const answer = await client.raw('POST', '/api/auth/signout', { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  expect(answer.status).toBeLessThan(400)
}

describe('sessions that end', () => {
  it('ends the session server-side on sign-out: the kept cookie neither reads nor writes', async () => {
    const grace = await new ApiClient(baseURL()).signIn('grace')
    const kept = copyOf(grace)
    expect((await kept.get('/api/me')).json?.handle).toBe('grace')
    await signOut(grace)
    expect((await kept.get('/api/me')).status).toBe(401)
    expect((await kept.patch('/api/users/grace', { bio: 'written after signing out' })).status).toBe(401)
    expect((await kept.get('/api/auth/session')).json?.user).toBeUndefined()
    // A new sign-in works as ever.
    expect((await (await new ApiClient(baseURL()).signIn('grace')).get('/api/me')).json.handle).toBe('grace')
  })

  it('signs out of one session only: the person\'s other devices stay signed in and connected', async () => {
    const [phone, laptop] = [await new ApiClient(baseURL()).signIn('katherine'), await new ApiClient(baseURL()).signIn('katherine')]
    const kept = copyOf(phone)
    const [phoneSocket, laptopSocket] = [await LiveClient.connect(baseURL(), { cookie: phone.cookieHeader }), await LiveClient.connect(baseURL(), { cookie: laptop.cookieHeader })]
    sockets.push(phoneSocket, laptopSocket)
    for (const socket of [phoneSocket, laptopSocket]) expect((await socket.next(f => f.type === 'hello')).userId).toBeTruthy()
    await signOut(phone)
    expect((await kept.get('/api/me')).status).toBe(401)
    expect(await phoneSocket.waitClosed(10_000)).toMatchObject({ code: 4401 })
    // The same news reached the laptop's connection on this server; it is still open and answers.
    laptopSocket.send({ type: 'ping' })
    expect((await laptopSocket.next(f => f.type === 'pong')).type).toBe('pong')
    expect((await laptop.get('/api/me')).json.handle).toBe('katherine')
  })

  it('signs out everywhere: every session stops, and open live connections close', async () => {
    const [here, there] = [await new ApiClient(baseURL()).signIn('katherine'), await new ApiClient(baseURL()).signIn('katherine')]
    const socket = await LiveClient.connect(baseURL(), { cookie: there.cookieHeader })
    sockets.push(socket)
    expect((await socket.next(f => f.type === 'hello')).userId).toBeTruthy()
    expect((await here.post('/api/me/sign-out-everywhere', { confirm: true })).status).toBe(204)
    expect((await there.get('/api/me')).status).toBe(401)
    expect((await here.get('/api/me')).status).toBe(401)
    expect(await socket.waitClosed(10_000)).toMatchObject({ code: 4401 })
    // The old cookie opens no signed-in connection either.
    const again = await LiveClient.connect(baseURL(), { cookie: there.cookieHeader })
    sockets.push(again)
    expect((await again.next(f => f.type === 'hello')).userId).toBeNull()
  })

  it('changes a password only with the current one, and the change ends every session', async () => {
    // A directory account no other test signs in as: its password changes for good.
    const handle = await firstGenerated(5)
    const [here, there] = [await new ApiClient(baseURL()).signIn(handle), await new ApiClient(baseURL()).signIn(handle)]

    const wrong = await here.post('/api/me/password', { currentPassword: 'not-my-password', newPassword: 'a much longer secret' })
    expect(wrong.status).toBe(400)
    expect(wrong.json.data.fieldErrors.currentPassword).toEqual(['is not right'])
    const short = await here.post('/api/me/password', { currentPassword: 'c18n-demo', newPassword: 'short' })
    expect(short.status).toBe(400)
    expect(short.json.data.fieldErrors.newPassword).toBeTruthy()
    const same = await here.post('/api/me/password', { currentPassword: 'c18n-demo1', newPassword: 'c18n-demo1' })
    expect(same.status).toBe(400)
    // Refused changes end nothing.
    expect((await there.get('/api/me')).json.handle).toBe(handle)

    expect((await here.post('/api/me/password', { currentPassword: 'c18n-demo', newPassword: 'correct horse battery' })).status).toBe(204)
    expect((await here.get('/api/me')).status).toBe(401)
    expect((await there.get('/api/me')).status).toBe(401)
    await expect(new ApiClient(baseURL()).signIn(handle)).rejects.toThrow(/sign-in as/)
    expect((await (await new ApiClient(baseURL()).signIn(handle, 'correct horse battery')).get('/api/me')).json.handle).toBe(handle)
  })

  it('refuses a password change to someone not signed in', async () => {
    expect((await new ApiClient(baseURL()).post('/api/me/password', { currentPassword: 'c18n-demo', newPassword: 'correct horse battery' })).status).toBe(401)
  })

  it('renews a session while it is used: each read re-issues the cookie with a later expiry', async () => {
    const ada = await new ApiClient(baseURL()).signIn('ada')
    const sessionCookie = (headers: Headers) => headers.getSetCookie().find(line => /session-token=/.test(line) && !/session-token=;/.test(line))
    const first = await ada.get('/api/auth/session')
    const firstCookie = sessionCookie(first.headers)
    expect(firstCookie).toBeTruthy()
    const kept = ada.cookieHeader
    const second = await ada.get('/api/auth/session')
    const secondCookie = sessionCookie(second.headers)
    expect(secondCookie).toBeTruthy()
    expect(Date.parse(second.json.expires as string)).toBeGreaterThan(Date.parse(first.json.expires as string))
    // The cookie carries the renewed expiry, and the renewed token is a session of its own.
    const expiresOf = (line: string) => Date.parse(/Expires=([^;]+)/i.exec(line)![1]!)
    expect(expiresOf(secondCookie!)).toBeGreaterThanOrEqual(expiresOf(firstCookie!))
    expect(ada.cookieHeader).not.toBe(kept)
    expect((await ada.get('/api/me')).json.handle).toBe('ada')
    // Renewal does not outlive an ending: the renewed cookie dies with the session it renews.
    const renewed = copyOf(ada)
    await signOut(ada)
    expect((await renewed.get('/api/me')).status).toBe(401)
  })

  it('bans a person from the whole site: every session and connection ends, signing in is refused until lifted', async () => {
    const handle = await firstGenerated(6)
    const [ada, grace] = [await new ApiClient(baseURL()).signIn('ada'), await new ApiClient(baseURL()).signIn('grace')]
    const victim = await new ApiClient(baseURL()).signIn(handle)
    const socket = await LiveClient.connect(baseURL(), { cookie: victim.cookieHeader })
    sockets.push(socket)
    expect((await socket.next(f => f.type === 'hello')).userId).toBeTruthy()

    expect((await grace.post(`/api/users/${handle}/site-ban`, { reason: 'spam' })).status).toBe(403)
    expect((await new ApiClient(baseURL()).post(`/api/users/${handle}/site-ban`, { reason: 'spam' })).status).toBe(401)
    expect((await ada.post('/api/users/no-such-person/site-ban', { reason: 'spam' })).status).toBe(404)
    expect((await ada.post('/api/users/ada/site-ban', { reason: 'spam' })).status).toBe(409)
    expect((await ada.post(`/api/users/${handle}/site-ban`, {})).status).toBe(400)
    expect((await ada.delete(`/api/users/${handle}/site-ban`)).status).toBe(404)
    // None of those touched the person: still signed in.
    expect((await victim.get('/api/me')).json.handle).toBe(handle)

    expect((await ada.post(`/api/users/${handle}/site-ban`, { reason: 'spam, again and again' })).status).toBe(204)
    expect((await victim.get('/api/me')).status).toBe(401)
    expect((await victim.patch(`/api/users/${handle}`, { bio: 'written while banned' })).status).toBe(401)
    expect(await socket.waitClosed(10_000)).toMatchObject({ code: 4401 })
    await expect(new ApiClient(baseURL()).signIn(handle)).rejects.toThrow(/sign-in as/)
    // The profile stays readable, and says nothing of the ban.
    const profile = await grace.get(`/api/users/${handle}`)
    expect(profile.status).toBe(200)
    expect(JSON.stringify(profile.json)).not.toMatch(/ban/i)

    expect((await grace.delete(`/api/users/${handle}/site-ban`)).status).toBe(403)
    expect((await ada.delete(`/api/users/${handle}/site-ban`)).status).toBe(204)
    expect((await (await new ApiClient(baseURL()).signIn(handle)).get('/api/me')).json.handle).toBe(handle)
  })

  it('lasts hours by default, not a month', async () => {
    const alan = await new ApiClient(baseURL()).signIn('alan')
    const expires = Date.parse((await alan.get('/api/auth/session')).json.expires as string)
    expect(expires - Date.now()).toBeLessThanOrEqual(12 * 60 * 60 * 1000 + 60_000)
    expect(expires - Date.now()).toBeGreaterThan(60 * 60 * 1000)
  })
})

describe('the websocket origin check is the REST one', () => {
  it('compares scheme, host and port exactly', async () => {
    const own = new URL(baseURL())
    const grace = await new ApiClient(baseURL()).signIn('grace')
    const ok = await LiveClient.connect(baseURL(), { cookie: grace.cookieHeader, origin: own.origin })
    sockets.push(ok)
    for (const origin of [`https://${own.host}`, `ws://${own.host}`, `http://${own.hostname}:${Number(own.port) + 1}`]) {
      await expect(LiveClient.connect(baseURL(), { cookie: grace.cookieHeader, origin }), origin).rejects.toThrow(/403/)
    }
  })
})
