import { describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'

const baseURL = () => inject('baseURL')
const uniqueSlug = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`

describe('what a signed-in user does through the API', () => {
  it('refuses writes without a session, and a wrong password', async () => {
    const anonymous = new ApiClient(baseURL())
    expect((await anonymous.post('/api/communities', { name: 'Nope', slug: 'nope-nope' })).status).toBe(401)
    expect((await anonymous.get('/api/me')).status).toBe(401)
    expect((await anonymous.get('/api/groups')).status).toBe(401)
    await expect(new ApiClient(baseURL()).signIn('grace', 'wrong-password')).rejects.toThrow(/sign-in as grace failed/)
  })

  it('creates a community, finds it by name, and another user joins, is promoted and leaves', async () => {
    const grace = await new ApiClient(baseURL()).signIn('grace')
    const alan = await new ApiClient(baseURL()).signIn('alan')
    const slug = uniqueSlug('lighthouses')
    const created = await grace.post('/api/communities', { name: 'Lighthouse keepers', slug, description: 'Lamps and lenses', topics: ['sailing'] })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ slug, myRole: 'owner', memberCount: 1, visibility: 'public' })
    expect((await grace.post('/api/communities', { name: 'Again', slug })).status).toBe(409)

    // Search is a view the indexer keeps up to date: it may lag a write by a moment.
    await expect.poll(async () => (await alan.get('/api/communities?q=lighthouse')).json.items.map((c: { slug: string }) => c.slug)).toContain(slug)

    expect((await alan.post(`/api/communities/${slug}/join`)).json).toMatchObject({ myRole: 'member', memberCount: 2 })
    expect((await alan.patch(`/api/communities/${slug}`, { description: 'Taken over' })).status).toBe(403)
    const alanId = (await alan.get('/api/me')).json.id
    expect((await alan.patch(`/api/communities/${slug}/members/${alanId}`, { role: 'moderator' })).status).toBe(403)
    expect((await grace.patch(`/api/communities/${slug}/members/${alanId}`, { role: 'moderator' })).json).toMatchObject({ role: 'moderator', handle: 'alan' })
    expect((await alan.patch(`/api/communities/${slug}`, { description: 'Now moderated' })).json.description).toBe('Now moderated')
    const members = await alan.get(`/api/communities/${slug}/members`)
    expect(members.json.items.map((m: { handle: string, role: string }) => `${m.handle}:${m.role}`)).toEqual(['grace:owner', 'alan:moderator'])
    expect((await alan.post(`/api/communities/${slug}/leave`)).status).toBe(204)
    expect((await grace.get(`/api/communities/${slug}`)).json.memberCount).toBe(1)
  })

  it('keeps a private community invisible to non-members', async () => {
    const grace = await new ApiClient(baseURL()).signIn('grace')
    const katherine = await new ApiClient(baseURL()).signIn('katherine')
    const slug = uniqueSlug('secret')
    await grace.post('/api/communities', { name: 'Secret society', slug, visibility: 'private' })
    expect((await katherine.get(`/api/communities/${slug}`)).status).toBe(404)
    expect((await katherine.get(`/api/communities/${slug}/members`)).status).toBe(404)
    expect((await katherine.post(`/api/communities/${slug}/join`)).status).toBe(404)
    expect((await grace.post(`/api/communities/${slug}/members`, { handle: 'katherine' })).status).toBe(201)
    expect((await katherine.get(`/api/communities/${slug}`)).json.myRole).toBe('member')
  })

  it('creates a group, adds and removes members; only members see it', async () => {
    const grace = await new ApiClient(baseURL()).signIn('grace')
    const alan = await new ApiClient(baseURL()).signIn('alan')
    const ada = await new ApiClient(baseURL()).signIn('ada')
    const group = (await grace.post('/api/groups', { name: 'Compiler club', memberHandles: ['alan'] })).json
    expect(group.members.map((m: { handle: string }) => m.handle).sort()).toEqual(['alan', 'grace'])
    expect((await katherineView(group.id)).status).toBe(404)
    expect((await grace.post(`/api/groups/${group.id}/members`, { handle: 'ada' })).json.memberIds).toHaveLength(3)
    expect((await grace.post(`/api/groups/${group.id}/members`, { handle: 'ada' })).status).toBe(409)
    expect((await grace.post(`/api/groups/${group.id}/members`, { handle: 'no-such-user' })).status).toBe(404)
    expect((await alan.patch(`/api/groups/${group.id}`, { name: 'Hijacked' })).status).toBe(403)
    const alanId = (await alan.get('/api/me')).json.id
    expect((await alan.delete(`/api/groups/${group.id}/members/${alanId}`)).json.memberIds).not.toContain(alanId)
    expect((await alan.get(`/api/groups/${group.id}`)).status).toBe(404)
    expect((await ada.get('/api/groups')).json.items.map((g: { id: string }) => g.id)).toContain(group.id)
    expect((await grace.patch(`/api/groups/${group.id}`, { name: 'Compilers' })).json.name).toBe('Compilers')
    expect((await grace.delete(`/api/groups/${group.id}`)).status).toBe(204)
    expect((await grace.get(`/api/groups/${group.id}`)).status).toBe(404)

    async function katherineView(id: string) {
      return (await new ApiClient(baseURL()).signIn('katherine')).get(`/api/groups/${id}`)
    }
  })

  it('edits only your own profile', async () => {
    const alan = await new ApiClient(baseURL()).signIn('alan')
    const updated = await alan.patch('/api/users/alan', { bio: 'Computable numbers', interests: ['Running', 'logic'] })
    expect(updated.json).toMatchObject({ bio: 'Computable numbers', interests: ['running', 'logic'] })
    expect((await new ApiClient(baseURL()).get('/api/users/alan')).json.bio).toBe('Computable numbers')
    expect((await alan.patch('/api/users/grace', { bio: 'hacked' })).status).toBe(403)
    expect((await alan.patch('/api/users/no-such-user', { bio: 'x' })).status).toBe(404)
  })

  it('pages through the directory with cursors, without repeats', async () => {
    const anonymous = new ApiClient(baseURL())
    const handles: string[] = []
    let cursor: string | null = null
    do {
      const page: { json: { items: Array<{ handle: string }>, nextCursor: string | null } } = await anonymous.get(`/api/users?limit=15${cursor ? `&cursor=${cursor}` : ''}`) as never
      handles.push(...page.json.items.map(u => u.handle))
      cursor = page.json.nextCursor
    } while (cursor)
    expect(handles.length).toBeGreaterThanOrEqual(52)
    expect(new Set(handles).size).toBe(handles.length)
    expect([...handles].sort()).toEqual(handles)
  })
})
