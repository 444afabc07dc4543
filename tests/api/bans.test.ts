import { describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'

// Moderators see the bans and mutes they imposed (on whom, by whom, why, until when) and lift
// one early, as an event like every other decision: the lifted person may write or join again.

const baseURL = () => inject('baseURL')
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`

describe('bans and mutes, listed and lifted', () => {
  it('lists them for the moderators only, and lifting one lets the person back at once', async () => {
    const grace = await new ApiClient(baseURL()).signIn('grace')
    const alan = await new ApiClient(baseURL()).signIn('alan')
    const katherine = await new ApiClient(baseURL()).signIn('katherine')
    const [alanId, katherineId] = [(await alan.get('/api/me')).json.id, (await katherine.get('/api/me')).json.id]
    const slug = unique('quay')
    await grace.post('/api/communities', { name: 'The quay', slug })
    await alan.post(`/api/communities/${slug}/join`)
    await katherine.post(`/api/communities/${slug}/join`)
    expect((await grace.post(`/api/communities/${slug}/bans`, { userId: alanId, mode: 'mute', hours: 2, reason: 'Shouting in caps' })).status).toBe(201)
    expect((await grace.post(`/api/communities/${slug}/bans`, { userId: katherineId, mode: 'ban', hours: null, reason: 'Spam links' })).status).toBe(201)

    const listed = await grace.get(`/api/communities/${slug}/bans`)
    expect(listed.status).toBe(200)
    const byHandle = Object.fromEntries(listed.json.items.map((b: { user: { handle: string } }) => [b.user.handle, b]))
    expect(byHandle.alan).toMatchObject({ mode: 'mute', reason: 'Shouting in caps', active: true, by: { handle: 'grace' } })
    expect(Date.parse(byHandle.alan.until) - Date.parse(byHandle.alan.at)).toBeGreaterThan(3_500_000)
    expect(byHandle.katherine).toMatchObject({ mode: 'ban', until: null, reason: 'Spam links', active: true })

    expect((await alan.get(`/api/communities/${slug}/bans`)).status).toBe(403)
    expect((await new ApiClient(baseURL()).get(`/api/communities/${slug}/bans`)).status).toBe(401)
    expect((await alan.post(`/api/communities/${slug}/bans/${alanId}/lift`, {})).status).toBe(403)

    expect((await alan.post(`/api/communities/${slug}/posts`, { title: 'Hello', body: 'again' })).status).toBe(403)
    expect((await grace.post(`/api/communities/${slug}/bans/${alanId}/lift`, { reason: 'Apologised' })).status).toBe(204)
    expect((await alan.post(`/api/communities/${slug}/posts`, { title: 'Hello', body: 'quietly' })).status).toBe(201)
    const lifted = await grace.post(`/api/communities/${slug}/bans/${alanId}/lift`, {})
    expect(lifted.status).toBe(404)
    expect(lifted.json.message).toMatch(/not found/)
    expect((await grace.post(`/api/communities/${slug}/bans/nobody-at-all/lift`, {})).status).toBe(404)
    expect((await grace.post(`/api/communities/${slug}/bans/${katherineId}/lift`, { reason: 'x' })).status).toBe(400)

    expect((await katherine.post(`/api/communities/${slug}/join`)).status).toBe(403)
    expect((await grace.post(`/api/communities/${slug}/bans/${katherineId}/lift`, {})).status).toBe(204)
    expect((await katherine.post(`/api/communities/${slug}/join`)).status).toBe(200)
    expect((await grace.get(`/api/communities/${slug}/bans`)).json.items).toEqual([])

    // Each lift is a decision in the audit log, with its reason.
    const audit = (await grace.get(`/api/communities/${slug}/audit?limit=50`)).json.items.map((e: { summary: string }) => e.summary)
    expect(audit).toContain('lifted the ban or mute on @alan: Apologised')
  })
})
