import { beforeAll, describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'
import { generatedHandles, signedInPerson, type Person } from '../support/people'

// Follows, blocks and mutes between people, over HTTP: the edges, their counts and lists, the
// follow notice, what a block stops (follows, messages, mentions, each other's posts in feeds),
// what a mute hides, and the bad input and the follow storm each refused with a clear 4xx.

const baseURL = () => inject('baseURL')
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`

let ann: Person
let bob: Person
let cat: Person
let storm: Person
let slug: string

const person = (handle: string) => signedInPerson(baseURL(), handle)

beforeAll(async () => {
  // Generated people from the end of the directory: other suites use the named accounts.
  const [a, b, c, s] = (await generatedHandles(baseURL())).slice(-4)
  ;[ann, bob, cat, storm] = await Promise.all([a!, b!, c!, s!].map(person)) as [Person, Person, Person, Person]
  slug = unique('porch')
  await ann.client.post('/api/communities', { name: 'Front porch', slug })
  await bob.client.post(`/api/communities/${slug}/join`)
  await cat.client.post(`/api/communities/${slug}/join`)
})

const relation = (viewer: Person, of: Person) => viewer.client.get(`/api/users/${of.handle}/relation`).then(r => r.json)
const listOf = async (of: Person, side: 'followers' | 'following') => (await new ApiClient(baseURL()).get(`/api/users/${of.handle}/${side}`)).json.items.map((p: { handle: string }) => p.handle)
const feedOf = async (viewer: Person) => (await viewer.client.get(`/api/communities/${slug}/posts?limit=50`)).json.items.map((p: { id: string }) => p.id)
const notices = async (viewer: Person) => (await viewer.client.get('/api/notifications?limit=100')).json.items as Array<{ type: string, text: string, postId: string, actor: { handle: string } | null }>

describe('following', () => {
  it('follows and unfollows, with counts, lists and a notice to the one followed', async () => {
    const before = await relation(ann, bob)
    const followed = await ann.client.post(`/api/users/${bob.handle}/follow`)
    expect(followed.status).toBe(200)
    expect(followed.json).toMatchObject({ userId: bob.id, iFollow: true, followers: before.followers + 1 })
    expect((await relation(bob, ann)).followsMe).toBe(true)
    expect(await listOf(bob, 'followers')).toContain(ann.handle)
    expect(await listOf(ann, 'following')).toContain(bob.handle)

    const again = await ann.client.post(`/api/users/${bob.handle}/follow`)
    expect(again.status).toBe(409)
    expect(again.json.message).toMatch(/already follow/)

    // The notifier is a consumer: the notice comes a moment after the follow.
    await expect.poll(async () => (await notices(bob)).filter(n => n.type === 'follow' && n.actor?.handle === ann.handle).length, { timeout: 10_000 }).toBe(1)

    const unfollowed = await ann.client.delete(`/api/users/${bob.handle}/follow`)
    expect(unfollowed.json).toMatchObject({ iFollow: false, followers: before.followers })
    expect(await listOf(bob, 'followers')).not.toContain(ann.handle)
    expect((await ann.client.delete(`/api/users/${bob.handle}/follow`)).status).toBe(409)
  })

  it('refuses following yourself, unknown people and anonymous follows with a clear 4xx', async () => {
    const self = await ann.client.post(`/api/users/${ann.handle}/follow`)
    expect(self.status).toBe(400)
    expect(self.json.message).toMatch(/cannot follow yourself/)
    expect((await ann.client.post(`/api/users/${ann.handle}/block`)).status).toBe(400)
    expect((await ann.client.post(`/api/users/${ann.handle}/mute`)).status).toBe(400)
    const unknown = await ann.client.post('/api/users/no-such-person-here/follow')
    expect(unknown.status).toBe(404)
    expect(unknown.json.message).toMatch(/not found/)
    expect((await ann.client.get('/api/users/no-such-person-here/followers')).status).toBe(404)
    expect((await ann.client.post('/api/users/Not%20A%20Handle/follow')).status).toBe(400)
    expect((await new ApiClient(baseURL()).post(`/api/users/${bob.handle}/follow`)).status).toBe(401)
    expect((await ann.client.delete(`/api/users/${bob.handle}/block`)).status).toBe(409)
  })

  it('refuses a follow storm from one account with 429', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 40 && !statuses.includes(429); i++) {
      const response = i % 2 === 0 ? await storm.client.post(`/api/users/${cat.handle}/follow`) : await storm.client.delete(`/api/users/${cat.handle}/follow`)
      statuses.push(response.status)
      if (response.status === 429) expect(response.json.message).toMatch(/too many follows/i)
    }
    expect(statuses.at(-1)).toBe(429)
    // Everything before the limit went through.
    expect(statuses.slice(0, -1).every(s => s === 200)).toBe(true)
    expect(statuses.length).toBeGreaterThan(10)
  })
})

describe('blocking', () => {
  it('ends follows both ways and refuses follows and messages between the two', async () => {
    const room = await ann.client.post('/api/rooms/direct', { handles: [bob.handle] })
    expect(room.status).toBe(201)
    await ann.client.post(`/api/users/${bob.handle}/follow`)
    await bob.client.post(`/api/users/${ann.handle}/follow`)

    const blocked = await bob.client.post(`/api/users/${ann.handle}/block`)
    expect(blocked.status).toBe(200)
    expect(blocked.json).toMatchObject({ iBlock: true, blocked: true, iFollow: false, followsMe: false })
    expect(await listOf(bob, 'followers')).not.toContain(ann.handle)
    expect(await listOf(ann, 'followers')).not.toContain(bob.handle)
    expect((await bob.client.post(`/api/users/${ann.handle}/block`)).status).toBe(409)

    const follow = await ann.client.post(`/api/users/${bob.handle}/follow`)
    expect(follow.status).toBe(403)
    expect(follow.json.message).toMatch(/blocked/)
    expect((await bob.client.post(`/api/users/${ann.handle}/follow`)).status).toBe(403)
    expect((await relation(ann, bob))).toMatchObject({ blocked: true, iBlock: false })

    const start = await ann.client.post('/api/rooms/direct', { handles: [bob.handle] })
    expect(start.status).toBe(403)
    const send = await ann.client.post(`/api/rooms/${room.json.id}/messages`, { body: 'Can we talk?' })
    expect(send.status).toBe(403)
    expect(send.json.message).toMatch(/blocked/)
    expect((await bob.client.post(`/api/rooms/${room.json.id}/messages`, { body: 'No.' })).status).toBe(403)

    await bob.client.delete(`/api/users/${ann.handle}/block`)
    expect((await ann.client.post(`/api/users/${bob.handle}/follow`)).status).toBe(200)
    expect((await ann.client.post(`/api/rooms/${room.json.id}/messages`, { body: 'Thanks for unblocking' })).status).toBe(201)
    await ann.client.delete(`/api/users/${bob.handle}/follow`)
  })

  it('keeps each one\'s posts out of the other\'s feed, and a mention from the blocked unheard', async () => {
    await bob.client.post(`/api/users/${ann.handle}/block`)
    const bobs = (await bob.client.post(`/api/communities/${slug}/posts`, { title: 'Bob on the porch', body: 'Rocking chairs' })).json.id
    const anns = (await ann.client.post(`/api/communities/${slug}/posts`, { title: 'Ann asks', body: `What do you think, @${bob.handle}?` })).json.id
    // Cat, who blocked nobody, sees both: the posts are there.
    expect(await feedOf(cat)).toEqual(expect.arrayContaining([bobs, anns]))
    expect(await feedOf(ann)).not.toContain(bobs)
    expect(await feedOf(bob)).not.toContain(anns)

    // A mention by Cat after Ann's, in the same community (so in order behind it): once it is
    // heard, Ann's mention would have been too.
    const cats = (await cat.client.post(`/api/communities/${slug}/posts`, { title: 'Cat asks too', body: `And you, @${bob.handle}?` })).json.id
    await expect.poll(async () => (await notices(bob)).some(n => n.type === 'mention' && n.postId === cats), { timeout: 10_000 }).toBe(true)
    expect((await notices(bob)).filter(n => n.postId === anns)).toEqual([])
    await bob.client.delete(`/api/users/${ann.handle}/block`)
    expect(await feedOf(ann)).toContain(bobs)
  })
})

describe('muting', () => {
  it('takes a person\'s posts out of my feed until I unmute them', async () => {
    const cats = (await cat.client.post(`/api/communities/${slug}/posts`, { title: 'Cat again', body: 'Lemonade' })).json.id
    expect(await feedOf(ann)).toContain(cats)
    const muted = await ann.client.post(`/api/users/${cat.handle}/mute`)
    expect(muted.json).toMatchObject({ iMute: true, blocked: false })
    expect(await feedOf(ann)).not.toContain(cats)
    expect(await feedOf(bob)).toContain(cats)
    expect((await ann.client.post(`/api/users/${cat.handle}/mute`)).status).toBe(409)
    expect((await ann.client.delete(`/api/users/${cat.handle}/mute`)).json.iMute).toBe(false)
    expect(await feedOf(ann)).toContain(cats)
  })
})
