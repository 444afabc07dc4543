import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'
import { LiveClient } from '../support/live-client'
import { generatedHandles, signedInPerson, type Person } from '../support/people'

// The home feed over HTTP and the websocket: posts of the communities one joined and of the
// people one follows, newest first, paged by cursor, without what one may not read (a private
// community, someone blocked or muted, a post pending, removed or deleted), and announced live.

const baseURL = () => inject('baseURL')
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`

let reader: Person
let friend: Person
let neighbour: Person
let stranger: Person
let joined: string
let elsewhere: string
let secret: string
let vetted: string
const sockets: LiveClient[] = []
afterAll(() => { for (const s of sockets) s.close() })

const person = (handle: string) => signedInPerson(baseURL(), handle)

const post = async (who: Person, slug: string, title: string) => {
  const created = await who.client.post(`/api/communities/${slug}/posts`, { title, body: `${title}, in words` })
  expect(created.status).toBe(201)
  return created.json.id as string
}
const feed = async (who: Person, query = '') => {
  const response = await who.client.get(`/api/me/feed?limit=100${query}`)
  expect(response.status).toBe(200)
  return response.json.items.map((p: { id: string }) => p.id) as string[]
}

beforeAll(async () => {
  // Generated people from just before the four connections.test.ts takes from the directory's end.
  const handles = (await generatedHandles(baseURL())).slice(-8, -4)
  ;[reader, friend, neighbour, stranger] = await Promise.all(handles.map(person)) as [Person, Person, Person, Person]
  ;[joined, elsewhere, secret, vetted] = [unique('joined'), unique('elsewhere'), unique('secret'), unique('vetted')]
  await neighbour.client.post('/api/communities', { name: 'Joined place', slug: joined })
  await stranger.client.post('/api/communities', { name: 'Elsewhere', slug: elsewhere })
  await friend.client.post('/api/communities', { name: 'Secret place', slug: secret, visibility: 'private' })
  await neighbour.client.post('/api/communities', { name: 'Vetted place', slug: vetted, postsNeedApproval: true })
  for (const slug of [joined, vetted]) expect((await reader.client.post(`/api/communities/${slug}/join`)).status).toBe(200)
  await friend.client.post(`/api/communities/${joined}/join`)
  await friend.client.post(`/api/communities/${elsewhere}/join`)
  await friend.client.post(`/api/communities/${vetted}/join`)
  await reader.client.post(`/api/users/${friend.handle}/follow`)
})

describe('the home feed', () => {
  it('holds my communities\' posts and my follows\' posts, newest first, and nothing I may not read', async () => {
    const inJoined = await post(neighbour, joined, 'Neighbour in joined')
    const byFriendElsewhere = await post(friend, elsewhere, 'Friend elsewhere')
    const byFriendInSecret = await post(friend, secret, 'Friend in secret')
    const byStranger = await post(stranger, elsewhere, 'Stranger elsewhere')
    const pending = await post(friend, vetted, 'Friend awaiting approval')
    const removed = await post(neighbour, joined, 'Soon removed')
    const deleted = await post(neighbour, joined, 'Soon deleted')
    expect((await neighbour.client.post(`/api/posts/${removed}/remove`, { reason: 'Off topic' })).status).toBe(204)
    expect((await neighbour.client.delete(`/api/posts/${deleted}`)).status).toBe(204)

    // The feed's list is a view the home-live consumer keeps: a new post enters it a moment later.
    await expect.poll(() => feed(reader), { timeout: 10_000 }).toEqual(expect.arrayContaining([inJoined, byFriendElsewhere]))
    const ids = await feed(reader)
    for (const hidden of [byFriendInSecret, byStranger, pending, removed, deleted]) expect(ids).not.toContain(hidden)
    expect(ids.indexOf(byFriendElsewhere)).toBeLessThan(ids.indexOf(inJoined))
    expect([...ids].sort().reverse()).toEqual(ids)

    // Approved, the pending post enters the feed.
    expect((await neighbour.client.post(`/api/posts/${pending}/approve`)).status).toBe(200)
    await expect.poll(() => feed(reader), { timeout: 10_000 }).toContain(pending)
  })

  it('leaves out people blocked either way and people I muted, until that is lifted', async () => {
    const byNeighbour = await post(neighbour, joined, 'Neighbour again')
    const byFriend = await post(friend, elsewhere, 'Friend again')
    await expect.poll(() => feed(reader), { timeout: 10_000 }).toEqual(expect.arrayContaining([byNeighbour, byFriend]))
    await reader.client.post(`/api/users/${neighbour.handle}/mute`)
    await friend.client.post(`/api/users/${reader.handle}/block`)
    const ids = await feed(reader)
    expect(ids).not.toContain(byNeighbour)
    expect(ids).not.toContain(byFriend)
    await reader.client.delete(`/api/users/${neighbour.handle}/mute`)
    await friend.client.delete(`/api/users/${reader.handle}/block`)
    // The block ended the follow: the friend's post elsewhere stays out until it is drawn again.
    expect(await feed(reader)).toContain(byNeighbour)
    expect(await feed(reader)).not.toContain(byFriend)
    await reader.client.post(`/api/users/${friend.handle}/follow`)
    expect(await feed(reader)).toContain(byFriend)
  })

  it('pages by cursor without gaps or repeats', async () => {
    const paged: string[] = []
    for (let i = 0; i < 5; i++) paged.push(await post(friend, i % 2 ? joined : elsewhere, `Paged ${i}`))
    await expect.poll(() => feed(reader), { timeout: 10_000 }).toEqual(expect.arrayContaining(paged))
    const all = await feed(reader)
    const walked: string[] = []
    let cursor: string | null = null
    do {
      const page: { json: { items: Array<{ id: string }>, nextCursor: string | null } } = await reader.client.get(`/api/me/feed?limit=2${cursor ? `&cursor=${cursor}` : ''}`) as never
      expect(page.json.items.length).toBeLessThanOrEqual(2)
      walked.push(...page.json.items.map(p => p.id))
      cursor = page.json.nextCursor
    } while (cursor)
    expect(walked).toEqual(all)
    expect(walked.length).toBeGreaterThan(5)
  })

  it('refuses the anonymous and a forged cursor with a clear 4xx', async () => {
    expect((await new ApiClient(baseURL()).get('/api/me/feed')).status).toBe(401)
    const forged = await reader.client.get('/api/me/feed?cursor=bm90LWEtY3Vyc29y')
    expect(forged.status).toBe(400)
    expect(forged.json.message).toMatch(/cursor/)
  })

  it('announces a new post in my home room, and nobody else may follow that room', async () => {
    const live = await LiveClient.connect(baseURL(), { cookie: reader.client.cookieHeader })
    sockets.push(live)
    expect(await live.call({ type: 'subscribe', room: `home:${reader.id}` })).toMatchObject({ type: 'subscribed' })
    const id = await post(friend, elsewhere, 'Friend live')
    const frame = await live.next(f => f.type === 'event' && f.room === `home:${reader.id}` && f.payload.id === id, 10_000)
    expect(frame).toMatchObject({ kind: 'post.created', payload: { authorId: friend.id, title: 'Friend live' } })

    const other = await LiveClient.connect(baseURL(), { cookie: stranger.client.cookieHeader })
    sockets.push(other)
    expect(await other.call({ type: 'subscribe', room: `home:${reader.id}` })).toMatchObject({ type: 'error', code: 'not_found' })
  })
})
