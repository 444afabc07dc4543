import { beforeAll, describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'

const baseURL = () => inject('baseURL')
const uniqueSlug = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`

let grace: ApiClient
let alan: ApiClient
let katherine: ApiClient
let anonymous: ApiClient
let slug: string
let secret: string

beforeAll(async () => {
  const clients = await Promise.all(['grace', 'alan', 'katherine'].map(h => new ApiClient(baseURL()).signIn(h)))
  ;[grace, alan, katherine] = clients as [ApiClient, ApiClient, ApiClient]
  anonymous = new ApiClient(baseURL())
  slug = uniqueSlug('lighthouse')
  secret = uniqueSlug('keep')
  await grace.post('/api/communities', { name: 'Lighthouse keepers', slug, postsNeedApproval: true })
  await grace.post('/api/communities', { name: 'The keep', slug: secret, visibility: 'private', postsNeedApproval: true })
  await alan.post(`/api/communities/${slug}/join`)
  await katherine.post(`/api/communities/${slug}/join`)
})

describe('the approval queue over HTTP', () => {
  it('holds a member\'s post for approval and lets the owner approve it', async () => {
    const created = await alan.post(`/api/communities/${slug}/posts`, { title: 'Lamp oil order', body: 'Who signs for it?' })
    expect(created.status).toBe(201)
    expect(created.json.moderation).toBe('pending')
    expect((await katherine.get(`/api/posts/${created.json.id}`)).status).toBe(404)
    expect((await alan.get(`/api/communities/${slug}/posts`)).json.items[0]).toMatchObject({ id: created.json.id, moderation: 'pending' })
    const queue = await grace.get(`/api/communities/${slug}/moderation/queue`)
    expect(queue.status).toBe(200)
    expect(queue.json.items.map((i: any) => [i.kind, i.post.id])).toContainEqual(['approval', created.json.id])
    const approved = await grace.post(`/api/posts/${created.json.id}/approve`)
    expect(approved.json).toMatchObject({ moderation: 'published', version: 2 })
    expect((await katherine.get(`/api/posts/${created.json.id}`)).status).toBe(200)
    expect((await grace.post(`/api/posts/${created.json.id}/approve`)).status).toBe(409)
  })

  it('refuses the queue and decisions to members (403), strangers to a private community (404) and the signed-out (401)', async () => {
    const post = (await alan.post(`/api/communities/${slug}/posts`, { title: 'Needs a decision', body: 'x' })).json
    expect((await katherine.get(`/api/communities/${slug}/moderation/queue`)).status).toBe(403)
    expect((await katherine.get(`/api/communities/${slug}/moderation/settings`)).status).toBe(403)
    expect((await katherine.patch(`/api/communities/${slug}/moderation/settings`, { flaggedAction: 'queue' })).status).toBe(403)
    expect((await anonymous.get(`/api/communities/${slug}/moderation/queue`)).status).toBe(401)
    expect((await katherine.get(`/api/communities/${secret}/moderation/queue`)).status).toBe(404)
    // A pending post is invisible to a member, so deciding on it is a 404; the author may see it but not decide.
    expect((await katherine.post(`/api/posts/${post.id}/approve`)).status).toBe(404)
    expect((await alan.post(`/api/posts/${post.id}/approve`)).status).toBe(403)
    expect((await alan.post(`/api/posts/${post.id}/reject`, { reason: 'my own' })).status).toBe(403)
    expect((await anonymous.post(`/api/posts/${post.id}/approve`)).status).toBe(401)
    expect((await katherine.post(`/api/communities/${slug}/bans`, { userId: 'x', mode: 'mute', hours: 1, reason: 'nope' })).status).toBe(403)
    const published = (await grace.post(`/api/communities/${slug}/posts`, { title: 'Owner post', body: 'published at once' })).json
    expect(published.moderation).toBe('published')
    expect((await katherine.post(`/api/posts/${published.id}/remove`, { reason: 'not mine to remove' })).status).toBe(403)
    expect((await katherine.post(`/api/posts/${published.id}/dismiss`, {})).status).toBe(403)
  })

  it('validates decisions and settings: a reason is required, bad settings are a 400', async () => {
    const post = (await alan.post(`/api/communities/${slug}/posts`, { title: 'Reject with reason', body: 'x' })).json
    expect((await grace.post(`/api/posts/${post.id}/reject`, {})).status).toBe(400)
    expect((await grace.patch(`/api/communities/${slug}/moderation/settings`, { reportThreshold: 0 })).status).toBe(400)
    expect((await grace.patch(`/api/communities/${slug}/moderation/settings`, { wordList: ['<script>'] })).status).toBe(400)
    expect((await grace.post(`/api/communities/${slug}/bans`, { userId: 'x', mode: 'forever', hours: 1, reason: 'x' })).status).toBe(400)
    const rejected = await grace.post(`/api/posts/${post.id}/reject`, { reason: 'Not about lighthouses' })
    expect(rejected.json.moderation).toBe('rejected')
    await expect.poll(async () => (await alan.get('/api/notifications')).json.items.some((n: any) => n.type === 'decision' && n.postId === post.id && /Not about lighthouses/.test(n.text)), { timeout: 10_000 }).toBe(true)
  })
})

describe('flags over HTTP', () => {
  it('flags an abusive post within seconds, and a reported one, for the moderators', async () => {
    const open = uniqueSlug('open-sea')
    await grace.post('/api/communities', { name: 'Open sea', slug: open })
    await alan.post(`/api/communities/${open}/join`)
    await katherine.post(`/api/communities/${open}/join`)
    const rude = (await alan.post(`/api/communities/${open}/posts`, { title: 'Rude', body: 'what a load of sh1t' })).json
    await expect.poll(async () => (await katherine.get(`/api/posts/${rude.id}`)).status, { timeout: 5000, interval: 100 }).toBe(404)
    const queue = (await grace.get(`/api/communities/${open}/moderation/queue`)).json.items
    expect(queue.find((i: any) => i.post.id === rude.id)).toMatchObject({ kind: 'flag', reasons: [{ source: 'content', detail: 'profanity (shit)' }] })

    const fine = (await alan.post(`/api/communities/${open}/posts`, { title: 'Calm water', body: 'nothing wrong here' })).json
    expect((await katherine.post(`/api/posts/${fine.id}/reports`, { reason: 'x' })).status).toBe(400)
    expect((await katherine.post(`/api/posts/${fine.id}/reports`, { reason: 'Looks like spam to me' })).status).toBe(204)
    // One member's report reaches the moderators with its reporter; it does not hide the post
    // (the threshold counts distinct reporters, weighed by their standing).
    await expect.poll(async () => (await grace.get(`/api/communities/${open}/moderation/queue`)).json.items.find((i: any) => i.post.id === fine.id)?.reasons[0]?.reporter?.handle, { timeout: 5000 }).toBe('katherine')
    expect((await katherine.get(`/api/posts/${fine.id}`)).json.moderation).toBe('published')
    expect((await grace.post(`/api/posts/${fine.id}/dismiss`, { note: 'not spam' })).json.moderation).toBe('published')
    expect((await katherine.get(`/api/posts/${fine.id}`)).status).toBe(200)

    expect((await grace.post(`/api/communities/${open}/bans`, { userId: rude.author.id, mode: 'mute', hours: 24, reason: 'Language' })).status).toBe(201)
    const muted = await alan.post(`/api/communities/${open}/posts`, { title: 'Still here', body: 'hello' })
    expect(muted.status).toBe(403)
    expect(muted.json.message).toMatch(/muted in Open sea until .*Language/)
  })
})
