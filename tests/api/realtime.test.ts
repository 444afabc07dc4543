import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'
import { LiveClient } from '../support/live-client'

const baseURL = inject('baseURL')
const open: LiveClient[] = []
const connect = async (client?: ApiClient, origin?: string) => {
  const live = await LiveClient.connect(baseURL, { cookie: client?.cookieHeader, origin })
  open.push(live)
  return live
}
afterAll(() => open.forEach(c => c.close()))

let grace: ApiClient
let alan: ApiClient
let katherine: ApiClient
let direct = ''
let communityId = ''

beforeAll(async () => {
  grace = await new ApiClient(baseURL).signIn('grace')
  alan = await new ApiClient(baseURL).signIn('alan')
  katherine = await new ApiClient(baseURL).signIn('katherine')
  direct = (await grace.post('/api/rooms/direct', { handles: ['alan'] })).json.id
  const made = await grace.post('/api/communities', { name: 'Live wires', slug: `live-wires-${Date.now().toString(36)}`, description: 'realtime tests', topics: [], visibility: 'private' })
  communityId = made.json.id
  expect((await alan.post(`/api/communities/${made.json.slug}/join`)).status).toBe(404)
  expect((await grace.post(`/api/communities/${made.json.slug}/members`, { handle: 'alan' })).status).toBe(201)
})

describe('the websocket protocol', () => {
  it('delivers a chat message to everyone in the room and acknowledges the sender', async () => {
    const [g, a] = [await connect(grace), await connect(alan)]
    const room = `community:${communityId}`
    expect((await g.call({ type: 'subscribe', room })).type).toBe('subscribed')
    expect((await a.call({ type: 'subscribe', room })).type).toBe('subscribed')
    const ack = await g.call({ type: 'send', room, body: 'hello, live world' })
    expect(ack).toMatchObject({ type: 'ack', result: { message: { body: 'hello, live world' } } })
    for (const client of [g, a]) {
      const event = await client.next(f => f.type === 'event' && f.kind === 'message.sent' && f.payload.message.id === ack.result.message.id)
      expect(event.payload.message.author.handle).toBe('grace')
    }
  })

  it('sends what a client missed while away, in order, without duplicates', async () => {
    const first = await connect(grace)
    const subscribed = await first.call({ type: 'subscribe', room: direct })
    await alan.post(`/api/rooms/${direct}/messages`, { body: 'before you left' })
    const seen = await first.next(f => f.type === 'event' && f.payload.message?.body === 'before you left')
    first.close()
    for (const body of ['one', 'two', 'three']) expect((await alan.post(`/api/rooms/${direct}/messages`, { body })).status).toBe(201)

    const again = await connect(grace)
    expect((await again.call({ type: 'subscribe', room: direct, since: seen.seq })).type).toBe('subscribed')
    await alan.post(`/api/rooms/${direct}/messages`, { body: 'four' })
    await again.next(f => f.type === 'event' && f.payload.message?.body === 'four')
    const events = again.events(direct)
    expect(events.map(e => e.payload.message.body)).toEqual(['one', 'two', 'three', 'four'])
    expect(events.map(e => e.seq)).toEqual([seen.seq + 1, seen.seq + 2, seen.seq + 3, seen.seq + 4])
    expect(seen.seq).toBeGreaterThan(subscribed.seq)
  })

  it('answers frames that are not JSON, of unknown type or invalid with an error frame, and carries on', async () => {
    const g = await connect(grace)
    g.send('this is not json')
    expect(await g.next(f => f.type === 'error')).toMatchObject({ code: 'bad_frame' })
    g.send({ type: 'teleport', ref: 'x1' })
    expect(await g.next(f => f.type === 'error' && f.ref === 'x1')).toMatchObject({ code: 'bad_frame' })
    expect(await g.call({ type: 'send', room: direct, body: '' })).toMatchObject({ type: 'error', code: 'invalid' })
    expect(await g.call({ type: 'subscribe', room: 'nowhere:1' })).toMatchObject({ type: 'error', code: 'invalid' })
    g.send({ type: 'ping' })
    await g.next(f => f.type === 'pong')
  })

  it('refuses rooms the user may not read, as if they did not exist', async () => {
    const k = await connect(katherine)
    expect(await k.call({ type: 'subscribe', room: direct })).toMatchObject({ type: 'error', code: 'not_found' })
    expect(await k.call({ type: 'subscribe', room: `community:${communityId}` })).toMatchObject({ type: 'error', code: 'not_found' })
    expect(await k.call({ type: 'subscribe', room: `posts:${communityId}` })).toMatchObject({ type: 'error', code: 'not_found' })
    expect(await k.call({ type: 'subscribe', room: `user:${(await grace.get('/api/me')).json.id}` })).toMatchObject({ type: 'error', code: 'not_found' })
    expect(await k.call({ type: 'send', room: direct, body: 'sneaking in' })).toMatchObject({ type: 'error', code: 'not_found' })
    const visitor = await connect()
    expect(await visitor.call({ type: 'send', room: direct, body: 'hi' })).toMatchObject({ type: 'error', code: 'unauthenticated' })
  })

  it('closes a connection whose frame is too large, with the reason', async () => {
    const g = await connect(grace)
    g.send({ type: 'ping', padding: 'x'.repeat(20_000) })
    expect(await g.waitClosed()).toMatchObject({ code: 1009, reason: expect.stringContaining('too large') })
  })

  it('rate-limits a flooding connection, then closes it, while the others carry on', async () => {
    const [flood, calm] = [await connect(grace), await connect(alan)]
    for (let i = 0; i < 300; i++) flood.send({ type: 'ping' })
    expect(await flood.next(f => f.type === 'error' && f.code === 'rate_limited')).toBeTruthy()
    expect(await flood.waitClosed()).toMatchObject({ code: 1008, reason: expect.stringContaining('too many frames') })
    calm.send({ type: 'ping' })
    await calm.next(f => f.type === 'pong')
  })

  it('refuses an upgrade from a foreign origin', async () => {
    await expect(LiveClient.connect(baseURL, { cookie: grace.cookieHeader, origin: 'https://evil.example' })).rejects.toThrow(/403/)
    expect(await connect(grace, baseURL)).toBeTruthy()
  })

  it('pushes new posts, counts and notifications live', async () => {
    const me = (await grace.get('/api/me')).json.id
    const [g, a] = [await connect(grace), await connect(alan)]
    await g.call({ type: 'subscribe', room: `user:${me}` })
    await a.call({ type: 'subscribe', room: `posts:${communityId}` })
    const slug = (await grace.get('/api/communities?limit=100')).json.items.find((c: { id: string }) => c.id === communityId)?.slug
      ?? (await grace.get('/api/me/communities?limit=100')).json.items.find((c: { id: string }) => c.id === communityId).slug
    const post = (await grace.post(`/api/communities/${slug}/posts`, { title: 'Live post', body: 'fresh', tags: [] })).json
    expect(await a.next(f => f.type === 'event' && f.kind === 'post.created' && f.payload.id === post.id)).toBeTruthy()
    await alan.post(`/api/posts/${post.id}/reactions`, { kind: 'like' })
    expect(await a.next(f => f.type === 'event' && f.kind === 'post.counts' && f.payload.id === post.id)).toMatchObject({ payload: { reaction: 'like', delta: 1 } })
    expect(await g.next(f => f.type === 'event' && f.kind === 'notification' && f.payload.type === 'reaction')).toBeTruthy()
  })
})

describe('likes and shares over the websocket', () => {
  let slug = ''
  let postId = ''
  beforeAll(async () => {
    slug = (await grace.get('/api/me/communities?limit=100')).json.items.find((c: { id: string }) => c.id === communityId).slug
    postId = (await grace.post(`/api/communities/${slug}/posts`, { title: 'Liked live', body: 'react over the socket', tags: [] })).json.id
  })

  it('reacts to a post and takes it back, answering with the post as REST does, and others see the count live', async () => {
    const [a, g] = [await connect(alan), await connect(grace)]
    await g.call({ type: 'subscribe', room: `posts:${communityId}` })
    const liked = await a.call({ type: 'react-post', postId, kind: 'like', on: true })
    expect(liked).toMatchObject({ type: 'ack', result: { post: { id: postId, myReactions: ['like'], reactionCounts: { like: 1 } } } })
    expect(await g.next(f => f.type === 'event' && f.kind === 'post.counts' && f.payload.id === postId)).toMatchObject({ payload: { reaction: 'like', delta: 1 } })
    expect((await alan.get(`/api/posts/${postId}`)).json.myReactions).toEqual(['like'])
    const unliked = await a.call({ type: 'react-post', postId, kind: 'like', on: false })
    expect(unliked).toMatchObject({ type: 'ack', result: { post: { myReactions: [] } } })
    expect((await alan.get(`/api/posts/${postId}`)).json.reactionCounts.like ?? 0).toBe(0)
  })

  it('shares a post as a link and to a group, with the link on this server; a private post is not crossposted', async () => {
    const a = await connect(alan)
    const link = await a.call({ type: 'share-post', postId, target: { type: 'link' } })
    expect(link).toMatchObject({ type: 'ack', result: { share: { url: expect.stringMatching(new RegExp(`^${baseURL}/c/${slug}/p/${postId}`)) } } })
    const groupId = (await alan.post('/api/groups', { name: `Sharers ${Date.now().toString(36)}` })).json.id
    expect(await a.call({ type: 'share-post', postId, target: { type: 'group', groupId } })).toMatchObject({ type: 'ack', result: { share: { crosspostId: null } } })
    expect(await a.call({ type: 'share-post', postId, target: { type: 'community', slug } })).toMatchObject({ type: 'error', code: 'forbidden' })
  })

  it('answers with error frames: not signed in, not allowed to read, unknown post, bad fields', async () => {
    const [visitor, k, a] = [await connect(), await connect(katherine), await connect(alan)]
    expect(await visitor.call({ type: 'react-post', postId, kind: 'like', on: true })).toMatchObject({ type: 'error', code: 'unauthenticated' })
    // Katherine is not in the private community: its post does not exist for her.
    expect(await k.call({ type: 'react-post', postId, kind: 'like', on: true })).toMatchObject({ type: 'error', code: 'not_found' })
    expect(await k.call({ type: 'share-post', postId, target: { type: 'link' } })).toMatchObject({ type: 'error', code: 'not_found' })
    expect(await a.call({ type: 'react-post', postId: 'no-such-post', kind: 'like', on: true })).toMatchObject({ type: 'error', code: 'not_found' })
    expect(await a.call({ type: 'react-post', postId, kind: 'adore', on: true })).toMatchObject({ type: 'error', code: 'invalid' })
    expect(await a.call({ type: 'share-post', postId, target: { type: 'planet' } })).toMatchObject({ type: 'error', code: 'invalid' })
    // None of it counted: the post still has no reaction from either.
    expect((await grace.get(`/api/posts/${postId}`)).json.reactionCounts.like ?? 0).toBe(0)
  })
})
