import { describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'

// Search everywhere, over HTTP: each part the search page shows, and message search kept to the
// rooms the searcher may read.

const baseURL = () => inject('baseURL')
const word = () => `wombat${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`

describe('search everywhere', () => {
  it('finds my own messages, and nobody else finds them', async () => {
    const grace = await new ApiClient(baseURL()).signIn('grace')
    const alan = await new ApiClient(baseURL()).signIn('alan')
    const katherine = await new ApiClient(baseURL()).signIn('katherine')
    const secret = word()
    const room = (await grace.post('/api/rooms/direct', { handles: ['alan'] })).json.id
    expect((await grace.post(`/api/rooms/${room}/messages`, { body: `The ${secret} is in the shed` })).status).toBe(201)
    // Alan, in the conversation, finds it once the indexer has it: the marker that it is indexed.
    await expect.poll(async () => (await alan.get(`/api/messages/search?q=${secret}`)).json.items.length, { timeout: 10_000 }).toBe(1)
    const hit = (await alan.get(`/api/messages/search?q=${secret}`)).json.items[0]
    expect(hit.message.roomId).toBe(room)
    expect(hit.highlights[0]).toContain(`<mark>${secret}</mark>`)
    expect((await katherine.get(`/api/messages/search?q=${secret}`)).json.items).toEqual([])
    expect((await katherine.get(`/api/messages/search?q=${secret}&roomId=${encodeURIComponent(room)}`)).status).toBe(404)
    expect((await new ApiClient(baseURL()).get(`/api/messages/search?q=${secret}`)).status).toBe(401)
    expect((await alan.get('/api/messages/search?q=')).status).toBe(400)
  })

  it('finds people and communities by name', async () => {
    const anyone = new ApiClient(baseURL())
    expect((await anyone.get('/api/users?q=turing')).json.items.map((u: { handle: string }) => u.handle)).toContain('alan')
    const grace = await new ApiClient(baseURL()).signIn('grace')
    const name = word()
    const slug = `s-${name}`.slice(0, 40)
    expect((await grace.post('/api/communities', { name: `The ${name} society`, slug })).status).toBe(201)
    await expect.poll(async () => (await anyone.get(`/api/communities?q=${name}`)).json.items.map((c: { slug: string }) => c.slug), { timeout: 10_000 }).toEqual([slug])
  })
})
