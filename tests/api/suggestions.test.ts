import { describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'

const baseURL = () => inject('baseURL')

interface SuggestionsBody {
  state: 'ready' | 'pending'
  communities: Array<{ community: { id: string, slug: string, name: string }, reason: string }>
  people: Array<{ user: { id: string, handle: string }, reason: string }>
}

describe('suggestions through the API', () => {
  it('needs a session, and answers bad input with 400 and unknown targets with 404', async () => {
    const anonymous = new ApiClient(baseURL())
    expect((await anonymous.get('/api/suggestions')).status).toBe(401)
    expect((await anonymous.post('/api/suggestions/dismiss', { kind: 'community', id: 'x' })).status).toBe(401)
    const alan = await new ApiClient(baseURL()).signIn('alan')
    expect((await alan.get('/api/suggestions?limit=99')).status).toBe(400)
    expect((await alan.post('/api/suggestions/dismiss', { kind: 'group', id: 'x' })).status).toBe(400)
    expect((await alan.post('/api/suggestions/dismiss', { kind: 'person', id: '../etc' })).status).toBe(400)
    expect((await alan.post('/api/suggestions/dismiss', { kind: 'person', id: 'x', extra: 1 })).status).toBe(400)
    expect((await alan.post('/api/suggestions/dismiss', { kind: 'community', id: 'no-such-community' })).status).toBe(404)
    expect((await alan.post('/api/suggestions/dismiss', { kind: 'person', id: (await alan.get('/api/me')).json.id })).status).toBe(400)
  })

  it('suggests public communities and people with reasons, and forgets a dismissed one', async () => {
    const katherine = await new ApiClient(baseURL()).signIn('katherine')
    await expect.poll(async () => (await katherine.get('/api/suggestions')).json.state, { timeout: 15_000 }).toBe('ready')
    const first = (await katherine.get('/api/suggestions')).json as SuggestionsBody
    expect(first.communities.length).toBeGreaterThan(0)
    expect(first.people.length).toBeGreaterThan(0)
    for (const s of [...first.communities, ...first.people]) expect(s.reason).not.toBe('')
    // Every suggested community is public: one a stranger can open.
    const anonymous = new ApiClient(baseURL())
    for (const { community } of first.communities) expect((await anonymous.get(`/api/communities/${community.slug}`)).json.visibility).toBe('public')

    const [dismissed] = first.communities
    expect((await katherine.post('/api/suggestions/dismiss', { kind: 'community', id: dismissed!.community.id })).status).toBe(204)
    const after = (await katherine.get('/api/suggestions')).json as SuggestionsBody
    expect(after.communities.map(s => s.community.id)).not.toContain(dismissed!.community.id)
    const [person] = first.people
    expect((await katherine.post('/api/suggestions/dismiss', { kind: 'person', id: person!.user.id })).status).toBe(204)
    expect(((await katherine.get('/api/suggestions')).json as SuggestionsBody).people.map(s => s.user.id)).not.toContain(person!.user.id)
  })
})
