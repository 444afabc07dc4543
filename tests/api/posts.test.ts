import { beforeAll, describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'

const baseURL = () => inject('baseURL')
const uniqueSlug = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`

let grace: ApiClient
let alan: ApiClient
let katherine: ApiClient
let slug: string

beforeAll(async () => {
  const clients = await Promise.all(['grace', 'alan', 'katherine'].map(h => new ApiClient(baseURL()).signIn(h)))
  ;[grace, alan, katherine] = clients as [ApiClient, ApiClient, ApiClient]
  slug = uniqueSlug('harbour')
  await grace.post('/api/communities', { name: 'Harbour watch', slug, topics: ['sailing'] })
  await alan.post(`/api/communities/${slug}/join`)
})

describe('posts, replies, reactions and shares', () => {
  it('lets members post, shows the post to its author at once, and refuses non-members', async () => {
    expect((await katherine.post(`/api/communities/${slug}/posts`, { title: 'Not a member', body: 'x' })).status).toBe(403)
    const created = await alan.post(`/api/communities/${slug}/posts`, { title: 'Fog at the pier', body: 'Thick **fog** this morning', tags: ['weather'] })
    expect(created.status).toBe(201)
    expect(created.json).toMatchObject({ title: 'Fog at the pier', communitySlug: slug, kind: 'post', version: 1, replyCount: 0, author: { handle: 'alan' } })
    expect(created.json.bodyHtml).toContain('<strong>fog</strong>')
    const feed = await alan.get(`/api/communities/${slug}/posts`)
    expect(feed.json.items[0].id).toBe(created.json.id)
  })

  it('renders markdown without running anything a user wrote', async () => {
    const body = '<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) **bold**'
    const post = (await grace.post(`/api/communities/${slug}/posts`, { title: 'Hostile markdown', body })).json
    expect(post.bodyHtml).not.toMatch(/<script|<img|href="javascript:/i)
    expect(post.bodyHtml).not.toMatch(/<[^>]*\bon\w+=/i)
    expect(post.bodyHtml).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(post.bodyHtml).toContain('<strong>bold</strong>')
  })

  it('threads replies to posts and to replies, counting them', async () => {
    const post = (await grace.post(`/api/communities/${slug}/posts`, { title: 'Tides table', body: 'Where do you get yours?' })).json
    const reply = (await alan.post(`/api/posts/${post.id}/replies`, { body: 'The harbour office' })).json
    expect(reply).toMatchObject({ kind: 'reply', parentId: post.id, rootId: post.id })
    const nested = (await grace.post(`/api/posts/${reply.id}/replies`, { body: 'Thanks @alan!' })).json
    expect(nested).toMatchObject({ parentId: reply.id, rootId: post.id })
    const thread = (await katherine.get(`/api/posts/${post.id}/thread`)).json.items
    expect(thread.map((p: { id: string }) => p.id)).toEqual([reply.id, nested.id])
    expect((await grace.get(`/api/posts/${post.id}`)).json.replyCount).toBe(2)
    expect((await grace.get(`/api/posts/${reply.id}`)).json.replyCount).toBe(1)
  })

  it('keeps one reaction of a kind per person, removable, with counts', async () => {
    const post = (await grace.post(`/api/communities/${slug}/posts`, { title: 'Sunset', body: 'Look west' })).json
    expect((await alan.post(`/api/posts/${post.id}/reactions`, { kind: 'like' })).json).toMatchObject({ reactionCounts: { like: 1 }, myReactions: ['like'] })
    expect((await alan.post(`/api/posts/${post.id}/reactions`, { kind: 'like' })).status).toBe(409)
    expect((await katherine.post(`/api/posts/${post.id}/reactions`, { kind: 'love' })).json.reactionCounts).toMatchObject({ like: 1, love: 1 })
    expect((await alan.delete(`/api/posts/${post.id}/reactions/like`)).json).toMatchObject({ reactionCounts: { like: 0, love: 1 }, myReactions: [] })
    expect((await alan.delete(`/api/posts/${post.id}/reactions/like`)).status).toBe(404)
  })

  it('shares to another community, to a group and as a link', async () => {
    const post = (await alan.post(`/api/communities/${slug}/posts`, { title: 'Knots', body: 'Bowline, step by step' })).json
    const other = uniqueSlug('ropes')
    await alan.post('/api/communities', { name: 'Rope work', slug: other })
    const crosspost = await alan.post(`/api/posts/${post.id}/shares`, { target: { type: 'community', slug: other } })
    expect(crosspost.status).toBe(201)
    expect((await alan.get(`/api/communities/${other}/posts`)).json.items[0].id).toBe(crosspost.json.crosspostId)
    const group = (await alan.post('/api/groups', { name: 'Sailors', memberHandles: ['grace'] })).json
    expect((await alan.post(`/api/posts/${post.id}/shares`, { target: { type: 'group', groupId: group.id } })).status).toBe(201)
    expect((await katherine.post(`/api/posts/${post.id}/shares`, { target: { type: 'group', groupId: group.id } })).status).toBe(404)
    const link = (await katherine.post(`/api/posts/${post.id}/shares`, { target: { type: 'link' } })).json
    expect(link.url).toMatch(new RegExp(`/c/${slug}/p/${post.id}$`))
    expect((await grace.get(`/api/posts/${post.id}`)).json.shareCount).toBe(3)
  })

  it('keeps every version of an edited post; only the author edits; moderators delete', async () => {
    const post = (await alan.post(`/api/communities/${slug}/posts`, { title: 'Mooring fees', body: 'First draft' })).json
    expect((await grace.patch(`/api/posts/${post.id}`, { body: 'Not mine' })).status).toBe(403)
    const edited = (await alan.patch(`/api/posts/${post.id}`, { body: 'Second draft', tags: ['fees'] })).json
    expect(edited).toMatchObject({ body: 'Second draft', version: 2, tags: ['fees'] })
    expect((await alan.get(`/api/posts/${post.id}`)).json.body).toBe('Second draft')
    const history = (await katherine.get(`/api/posts/${post.id}/history`)).json.items
    expect(history.map((v: { body: string, version: number }) => `${v.version}:${v.body}`)).toEqual(['1:First draft', '2:Second draft'])
    expect((await katherine.delete(`/api/posts/${post.id}`)).status).toBe(403)
    expect((await grace.delete(`/api/posts/${post.id}`)).status).toBe(204)
    expect((await alan.get(`/api/posts/${post.id}`)).json).toMatchObject({ deleted: true, body: '', version: 3 })
    expect((await alan.get(`/api/communities/${slug}/posts`)).json.items.map((p: { id: string }) => p.id)).not.toContain(post.id)
    // A deleted post's versions are for the moderators (and audit) alone, not even its author.
    expect((await alan.get(`/api/posts/${post.id}/history`)).status).toBe(404)
    expect((await grace.get(`/api/posts/${post.id}/history`)).json.items).toHaveLength(3)
  })
})

describe('search', () => {
  it('finds posts by words with highlights, filtered by community, author, tag and date', async () => {
    const word = `zebra${Date.now().toString(36)}`
    const post = (await grace.post(`/api/communities/${slug}/posts`, { title: `Sighting of a ${word}`, body: `A ${word} <b>swimming</b> by the pier`, tags: ['wildlife'] })).json
    await expect.poll(async () => (await katherine.get(`/api/search?q=${word}`)).json.total, { timeout: 10_000 }).toBe(1)
    const hit = (await katherine.get(`/api/search?q=${word}`)).json.items[0]
    expect(hit.post.id).toBe(post.id)
    expect(hit.highlights.title[0]).toContain(`<mark>${word}</mark>`)
    expect(hit.highlights.body[0]).not.toContain('<b>')
    const today = new Date().toISOString().slice(0, 10)
    expect((await katherine.get(`/api/search?q=${word}&community=${slug}&author=grace&tag=wildlife&from=${today}&to=${today}`)).json.total).toBe(1)
    expect((await katherine.get(`/api/search?q=${word}&author=alan`)).json.total).toBe(0)
    expect((await katherine.get(`/api/search?q=${word}&from=2000-01-01&to=2000-01-02`)).json.total).toBe(0)
    expect((await katherine.get(`/api/search?from=not-a-date`)).status).toBe(400)
  })

  it('never shows a private community\'s posts to non-members', async () => {
    const secret = uniqueSlug('vault')
    await grace.post('/api/communities', { name: 'The vault', slug: secret, visibility: 'private' })
    const word = `quokka${Date.now().toString(36)}`
    await grace.post(`/api/communities/${secret}/posts`, { title: `The ${word} plan`, body: 'members only' })
    await expect.poll(async () => (await grace.get(`/api/search?q=${word}`)).json.total, { timeout: 10_000 }).toBe(1)
    expect((await katherine.get(`/api/search?q=${word}`)).json.total).toBe(0)
    expect((await new ApiClient(baseURL()).get(`/api/search?q=${word}`)).json.total).toBe(0)
    expect((await katherine.get(`/api/search?q=${word}&community=${secret}`)).json.total).toBe(0)
  })
})

describe('notifications', () => {
  it('tells members about new posts, authors about replies and reactions, and the @mentioned', async () => {
    const unreadBefore = (await grace.get('/api/notifications/unread')).json.unread
    const post = (await alan.post(`/api/communities/${slug}/posts`, { title: 'Regatta on Sunday', body: 'Who is in? @katherine you should come' })).json
    await expect.poll(async () => (await grace.get('/api/notifications')).json.items.some((n: { postId: string, type: string }) => n.postId === post.id && n.type === 'new_post'), { timeout: 10_000 }).toBe(true)
    await expect.poll(async () => (await katherine.get('/api/notifications')).json.items.some((n: { postId: string, type: string }) => n.postId === post.id && n.type === 'mention'), { timeout: 10_000 }).toBe(true)
    expect((await grace.get('/api/notifications/unread')).json.unread).toBeGreaterThan(unreadBefore)

    const reply = (await grace.post(`/api/posts/${post.id}/replies`, { body: 'Count me in' })).json
    await grace.post(`/api/posts/${post.id}/reactions`, { kind: 'wow' })
    await expect.poll(async () => (await alan.get('/api/notifications')).json.items.filter((n: { postId: string }) => n.postId === post.id || n.postId === reply.id).map((n: { type: string }) => n.type).sort(), { timeout: 10_000 }).toEqual(['reaction', 'reply'])

    expect((await grace.post('/api/notifications/read', { all: true })).json.unread).toBe(0)
    expect((await grace.post('/api/notifications/read', {})).status).toBe(400)
  })

  it('stops new-post notifications for a member who muted the community', async () => {
    await katherine.post(`/api/communities/${slug}/join`)
    await grace.post(`/api/communities/${slug}/mute`, { muted: true })
    const quiet = (await alan.post(`/api/communities/${slug}/posts`, { title: 'Quiet post', body: 'nobody muted hears this' })).json
    // Katherine (not muted) hearing of it means the notifier has handled the post.
    await expect.poll(async () => (await katherine.get('/api/notifications')).json.items.some((n: { postId: string }) => n.postId === quiet.id), { timeout: 10_000 }).toBe(true)
    const loud = uniqueSlug('loud')
    await grace.post(`/api/communities/${slug}/mute`, { muted: false })
    const after = (await alan.post(`/api/communities/${slug}/posts`, { title: `Loud post ${loud}`, body: 'everyone hears this' })).json
    await expect.poll(async () => (await grace.get('/api/notifications')).json.items.some((n: { postId: string }) => n.postId === after.id), { timeout: 10_000 }).toBe(true)
    expect((await grace.get('/api/notifications')).json.items.some((n: { postId: string }) => n.postId === quiet.id)).toBe(false)
  })
})
