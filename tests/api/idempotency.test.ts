import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'

const baseURL = () => inject('baseURL')
const uniqueSlug = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`

let grace: ApiClient
let alan: ApiClient
let katherine: ApiClient
let slug: string

/** A write as the offline outbox sends it: JSON with an Idempotency-Key. */
const send = (client: ApiClient, path: string, body: unknown, key: string) =>
  client.raw('POST', path, { body: JSON.stringify(body), headers: { 'content-type': 'application/json', 'idempotency-key': key } })

const titlesIn = async (client: ApiClient, title: string) =>
  ((await client.get(`/api/communities/${slug}/posts`)).json.items as Array<{ title: string }>).filter(post => post.title === title).length

beforeAll(async () => {
  ;[grace, alan, katherine] = await Promise.all(['grace', 'alan', 'katherine'].map(h => new ApiClient(baseURL()).signIn(h))) as [ApiClient, ApiClient, ApiClient]
  slug = uniqueSlug('ferry')
  await grace.post('/api/communities', { name: 'Ferry crossings', slug, topics: ['travel'] })
  await alan.post(`/api/communities/${slug}/join`)
})

describe('Idempotency-Key on writes', () => {
  it('writes a post once: a resend with the same key gets the first answer back', async () => {
    const key = randomUUID()
    const body = { title: 'Calm crossing', body: 'Flat sea all the way' }
    const first = await send(alan, `/api/communities/${slug}/posts`, body, key)
    expect(first.status).toBe(201)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    const again = await send(alan, `/api/communities/${slug}/posts`, body, key)
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.json.id).toBe(first.json.id)
    expect(await titlesIn(alan, 'Calm crossing')).toBe(1)
  })

  it('writes once when the same request arrives several times at once', async () => {
    const key = randomUUID()
    const body = { title: 'Gale warning', body: 'Sailings may be cancelled' }
    const answers = await Promise.all(Array.from({ length: 5 }, () => send(alan, `/api/communities/${slug}/posts`, body, key)))
    expect(answers.filter(answer => answer.status === 201 && !answer.headers.get('idempotent-replayed'))).toHaveLength(1)
    expect(answers.every(answer => answer.status === 201 || answer.status === 409)).toBe(true)
    expect(await titlesIn(alan, 'Gale warning')).toBe(1)
  })

  it('keeps keys per person, and refuses a key reused for another request or malformed', async () => {
    const key = randomUUID()
    expect((await send(alan, `/api/communities/${slug}/posts`, { title: 'Same key, Alan', body: 'a' }, key)).status).toBe(201)
    expect((await send(grace, `/api/communities/${slug}/posts`, { title: 'Same key, Grace', body: 'g' }, key)).status).toBe(201)
    expect(await titlesIn(grace, 'Same key, Grace')).toBe(1)
    const reused = await send(alan, `/api/communities/${slug}/posts`, { title: 'Something else', body: 'b' }, key)
    expect(reused.status).toBe(422)
    expect(reused.json.message).toMatch(/different request/)
    const malformed = await send(alan, `/api/communities/${slug}/posts`, { title: 'Bad key', body: 'b' }, 'no spaces allowed')
    expect(malformed.status).toBe(400)
    expect(await titlesIn(alan, 'Bad key')).toBe(0)
  })

  it('frees the key of a refused write, so the same key works once the reason is gone', async () => {
    const key = randomUUID()
    const body = { title: 'From the deck', body: 'Dolphins!' }
    expect((await send(katherine, `/api/communities/${slug}/posts`, body, key)).status).toBe(403)
    await katherine.post(`/api/communities/${slug}/join`)
    const accepted = await send(katherine, `/api/communities/${slug}/posts`, body, key)
    expect(accepted.status).toBe(201)
    expect(accepted.headers.get('idempotent-replayed')).toBeNull()
  })

  it('writes a reply, a reaction and a chat message once each', async () => {
    const post = (await alan.post(`/api/communities/${slug}/posts`, { title: 'Best seat?', body: 'Port or starboard' })).json
    const replyKey = randomUUID()
    for (let i = 0; i < 2; i++) expect((await send(grace, `/api/posts/${post.id}/replies`, { body: 'Starboard, for the sunset' }, replyKey)).status).toBe(201)
    const reactKey = randomUUID()
    for (let i = 0; i < 2; i++) expect((await send(grace, `/api/posts/${post.id}/reactions`, { kind: 'like' }, reactKey)).status).toBeLessThan(300)
    const read = (await alan.get(`/api/posts/${post.id}`)).json
    expect(read.replyCount).toBe(1)
    expect(read.reactionCounts.like).toBe(1)

    const room = (await grace.post('/api/rooms/direct', { handles: ['alan'] })).json.id as string
    const text = `See you on board ${randomUUID()}`
    const messageKey = randomUUID()
    const first = await send(grace, `/api/rooms/${room}/messages`, { body: text }, messageKey)
    const again = await send(grace, `/api/rooms/${room}/messages`, { body: text }, messageKey)
    expect(first.status).toBe(201)
    expect(again.json.id).toBe(first.json.id)
    const history = (await alan.get(`/api/rooms/${room}/messages`)).json.items as Array<{ body: string }>
    expect(history.filter(message => message.body === text)).toHaveLength(1)
  })
})
