import { beforeAll, describe, expect, inject, it } from 'vitest'
import { type Api, api } from '../../shared/api/contract'
import { ApiClient } from '../support/client'

// Insecure direct object references: a signed-in user names other people's private things by
// id, through every route of the contract, and must be refused (403) or told they do not
// exist (404) each time; afterwards the things are unchanged. A new route fails this suite
// until it gets an attack below or is listed as scoped to the caller.

const baseURL = () => inject('baseURL')
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`

interface World {
  graceId: string
  alanId: string
  privateSlug: string
  privatePost: string
  privateReply: string
  publicSlug: string
  publicPost: string
  groupId: string
  privateRoomId: string
  groupRoomId: string
  directRoomId: string
  directMessage: string
  publicRoomMessage: string
}
interface Attempt { method: string, path: string, body?: unknown, why: string }

/** Every contract route: the attempts against other people's things, or why it has no id to abuse. */
const ATTACKS: Record<keyof Api, ((w: World) => Attempt[]) | { scopedToCaller: string }> = {
  health: { scopedToCaller: 'public status, no data' },
  me: { scopedToCaller: 'always the caller' },
  signOutEverywhere: { scopedToCaller: 'ends the caller\'s own sessions only' },
  siteBan: { scopedToCaller: 'site admins only (403 for everyone else), tested in sessions.test.ts' },
  liftSiteBan: { scopedToCaller: 'site admins only (403 for everyone else), tested in sessions.test.ts' },
  changePassword: { scopedToCaller: 'changes the caller\'s own password, proven by the current one' },
  listUsers: { scopedToCaller: 'the public directory' },
  getUser: { scopedToCaller: 'public profiles' },
  updateUser: () => [{ method: 'PATCH', path: '/api/users/grace', body: { bio: 'pwned' }, why: 'edit another profile' }],
  relation: { scopedToCaller: 'public counts and the caller\'s own standing' },
  followers: { scopedToCaller: 'public lists' },
  following: { scopedToCaller: 'public lists' },
  listBans: w => [
    { method: 'GET', path: `/api/communities/${w.privateSlug}/bans`, why: 'list a private community\'s bans' },
    { method: 'GET', path: `/api/communities/${w.publicSlug}/bans`, why: 'a member lists the bans' },
  ],
  liftBan: w => [
    { method: 'POST', path: `/api/communities/${w.privateSlug}/bans/${w.alanId}/lift`, body: {}, why: 'lift a ban in a private community' },
    { method: 'POST', path: `/api/communities/${w.publicSlug}/bans/${w.alanId}/lift`, body: {}, why: 'a member lifts a ban' },
  ],
  homeFeed: { scopedToCaller: 'the caller\'s own feed (privacy checked in home-feed.test.ts)' },
  follow: { scopedToCaller: 'the caller\'s own follow' },
  unfollow: { scopedToCaller: 'the caller\'s own follow' },
  block: { scopedToCaller: 'the caller\'s own block' },
  unblock: { scopedToCaller: 'the caller\'s own block' },
  mute: { scopedToCaller: 'the caller\'s own mute' },
  unmute: { scopedToCaller: 'the caller\'s own mute' },

  listGroups: { scopedToCaller: 'the caller\'s groups (checked below)' },
  createGroup: { scopedToCaller: 'creates the caller\'s own group' },
  getGroup: w => [{ method: 'GET', path: `/api/groups/${w.groupId}`, why: 'read a group one is not in' }],
  renameGroup: w => [{ method: 'PATCH', path: `/api/groups/${w.groupId}`, body: { name: 'pwned' }, why: 'rename another\'s group' }],
  deleteGroup: w => [{ method: 'DELETE', path: `/api/groups/${w.groupId}`, why: 'delete another\'s group' }],
  addGroupMember: w => [{ method: 'POST', path: `/api/groups/${w.groupId}/members`, body: { handle: 'katherine' }, why: 'add oneself to another\'s group' }],
  removeGroupMember: w => [{ method: 'DELETE', path: `/api/groups/${w.groupId}/members/${w.alanId}`, why: 'remove a member from another\'s group' }],

  listCommunities: { scopedToCaller: 'public communities (checked below)' },
  myCommunities: { scopedToCaller: 'the caller\'s memberships (checked below)' },
  createCommunity: { scopedToCaller: 'creates the caller\'s own community' },
  getCommunity: w => [{ method: 'GET', path: `/api/communities/${w.privateSlug}`, why: 'read a private community' }],
  updateCommunity: w => [
    { method: 'PATCH', path: `/api/communities/${w.privateSlug}`, body: { name: 'Pwned place' }, why: 'edit a private community' },
    { method: 'PATCH', path: `/api/communities/${w.publicSlug}`, body: { visibility: 'private' }, why: 'a member edits the community' },
  ],
  joinCommunity: w => [{ method: 'POST', path: `/api/communities/${w.privateSlug}/join`, why: 'join a private community uninvited' }],
  leaveCommunity: w => [{ method: 'POST', path: `/api/communities/${w.privateSlug}/leave`, why: 'probe a private community by leaving' }],
  listMembers: w => [{ method: 'GET', path: `/api/communities/${w.privateSlug}/members`, why: 'list a private community\'s members' }],
  addMember: w => [
    { method: 'POST', path: `/api/communities/${w.privateSlug}/members`, body: { handle: 'katherine' }, why: 'add oneself to a private community' },
    { method: 'POST', path: `/api/communities/${w.publicSlug}/members`, body: { handle: 'ada' }, why: 'a member adds members' },
  ],
  changeMemberRole: w => [
    { method: 'PATCH', path: `/api/communities/${w.privateSlug}/members/${w.alanId}`, body: { role: 'member' }, why: 'demote in a private community' },
    { method: 'PATCH', path: `/api/communities/${w.publicSlug}/members/${w.alanId}`, body: { role: 'member' }, why: 'a member demotes a moderator' },
  ],
  removeMember: w => [
    { method: 'DELETE', path: `/api/communities/${w.privateSlug}/members/${w.alanId}`, why: 'remove from a private community' },
    { method: 'DELETE', path: `/api/communities/${w.publicSlug}/members/${w.graceId}`, why: 'a member removes the owner' },
    { method: 'DELETE', path: `/api/communities/${w.publicSlug}/members/${w.alanId}`, why: 'a member removes a moderator' },
  ],
  muteCommunity: w => [{ method: 'POST', path: `/api/communities/${w.privateSlug}/mute`, body: { muted: true }, why: 'mute a private community' }],
  communityAudit: w => [
    { method: 'GET', path: `/api/communities/${w.privateSlug}/audit`, why: 'read a private community\'s audit log' },
    { method: 'GET', path: `/api/communities/${w.publicSlug}/audit`, why: 'a member reads the audit log' },
  ],

  feed: w => [{ method: 'GET', path: `/api/communities/${w.privateSlug}/posts`, why: 'read a private feed' }],
  createPost: w => [
    { method: 'POST', path: `/api/communities/${w.privateSlug}/posts`, body: { title: 'Pwned', body: 'pwned' }, why: 'post in a private community' },
  ],
  getPost: w => [
    { method: 'GET', path: `/api/posts/${w.privatePost}`, why: 'read a private post' },
    { method: 'GET', path: `/api/posts/${w.privateReply}`, why: 'read a private reply' },
  ],
  thread: w => [{ method: 'GET', path: `/api/posts/${w.privatePost}/thread`, why: 'read a private thread' }],
  reply: w => [{ method: 'POST', path: `/api/posts/${w.privatePost}/replies`, body: { body: 'pwned' }, why: 'reply to a private post' }],
  editPost: w => [
    { method: 'PATCH', path: `/api/posts/${w.privatePost}`, body: { body: 'pwned' }, why: 'edit a private post' },
    { method: 'PATCH', path: `/api/posts/${w.publicPost}`, body: { body: 'pwned' }, why: 'edit another member\'s post' },
  ],
  deletePost: w => [
    { method: 'DELETE', path: `/api/posts/${w.privatePost}`, why: 'delete a private post' },
    { method: 'DELETE', path: `/api/posts/${w.publicPost}`, why: 'a member deletes another\'s post' },
  ],
  postHistory: w => [{ method: 'GET', path: `/api/posts/${w.privatePost}/history`, why: 'read a private post\'s history' }],
  react: w => [{ method: 'POST', path: `/api/posts/${w.privatePost}/reactions`, body: { kind: 'like' }, why: 'react to a private post' }],
  unreact: w => [{ method: 'DELETE', path: `/api/posts/${w.privatePost}/reactions/like`, why: 'take back a reaction on a private post' }],
  share: w => [
    { method: 'POST', path: `/api/posts/${w.privatePost}/shares`, body: { target: { type: 'link' } }, why: 'share a private post' },
    { method: 'POST', path: `/api/posts/${w.publicPost}/shares`, body: { target: { type: 'group', groupId: w.groupId } }, why: 'share into another\'s group' },
    { method: 'POST', path: `/api/posts/${w.publicPost}/shares`, body: { target: { type: 'community', slug: w.privateSlug } }, why: 'crosspost into a private community' },
  ],
  search: { scopedToCaller: 'filtered to what the caller may read (checked below)' },
  requestUpload: { scopedToCaller: 'a ticket for the caller\'s own upload' },
  myMedia: { scopedToCaller: 'the caller\'s own uploads' },
  confirmUpload: { scopedToCaller: 'someone else\'s upload is not found (tests/api/media.test.ts)' },

  listRooms: { scopedToCaller: 'the caller\'s rooms (checked below)' },
  startDirect: { scopedToCaller: 'starts the caller\'s own conversation' },
  getRoom: w => [w.privateRoomId, w.groupRoomId, w.directRoomId].map(id => ({ method: 'GET', path: `/api/rooms/${id}`, why: `read room ${id.split(':')[0]}` })),
  roomMessages: w => [w.privateRoomId, w.groupRoomId, w.directRoomId].map(id => ({ method: 'GET', path: `/api/rooms/${id}/messages`, why: `read the messages of room ${id.split(':')[0]}` })),
  sendMessage: w => [w.privateRoomId, w.groupRoomId, w.directRoomId].map(id => ({ method: 'POST', path: `/api/rooms/${id}/messages`, body: { body: 'pwned' }, why: `write into room ${id.split(':')[0]}` })),
  markRoomRead: w => [w.privateRoomId, w.groupRoomId, w.directRoomId].map(id => ({ method: 'POST', path: `/api/rooms/${id}/read`, why: `mark room ${id.split(':')[0]} read` })),
  searchMessages: { scopedToCaller: 'the caller\'s rooms only (checked below)' },
  editMessage: w => [
    { method: 'PATCH', path: `/api/messages/${w.directMessage}`, body: { body: 'pwned' }, why: 'edit a message of someone else\'s conversation' },
    { method: 'PATCH', path: `/api/messages/${w.publicRoomMessage}`, body: { body: 'pwned' }, why: 'edit another member\'s message' },
  ],
  deleteMessage: w => [
    { method: 'DELETE', path: `/api/messages/${w.directMessage}`, why: 'delete a message of someone else\'s conversation' },
    { method: 'DELETE', path: `/api/messages/${w.publicRoomMessage}`, why: 'a member deletes another\'s message' },
  ],
  reactMessage: w => [{ method: 'POST', path: `/api/messages/${w.directMessage}/reactions`, body: { kind: 'like' }, why: 'react in someone else\'s conversation' }],
  unreactMessage: w => [{ method: 'DELETE', path: `/api/messages/${w.directMessage}/reactions/like`, why: 'take back a reaction in someone else\'s conversation' }],

  moderationQueue: w => [
    { method: 'GET', path: `/api/communities/${w.privateSlug}/moderation/queue`, why: 'read a private community\'s moderation queue' },
    { method: 'GET', path: `/api/communities/${w.publicSlug}/moderation/queue`, why: 'a member reads the moderation queue' },
  ],
  moderationSettings: w => [
    { method: 'GET', path: `/api/communities/${w.privateSlug}/moderation/settings`, why: 'read a private community\'s moderation settings' },
    { method: 'GET', path: `/api/communities/${w.publicSlug}/moderation/settings`, why: 'a member reads the moderation settings' },
  ],
  updateModerationSettings: w => [w.privateSlug, w.publicSlug].map(slug => ({ method: 'PATCH', path: `/api/communities/${slug}/moderation/settings`, body: { flaggedAction: 'hide' }, why: 'change moderation settings without being a moderator' })),
  banMember: w => [w.privateSlug, w.publicSlug].map(slug => ({ method: 'POST', path: `/api/communities/${slug}/bans`, body: { userId: w.alanId, mode: 'ban', hours: null, reason: 'pwned you' }, why: 'ban a moderator without being one' })),
  approvePost: w => [w.privatePost, w.publicPost].map(id => ({ method: 'POST', path: `/api/posts/${id}/approve`, why: 'approve a post without being a moderator' })),
  rejectPost: w => [w.privatePost, w.publicPost].map(id => ({ method: 'POST', path: `/api/posts/${id}/reject`, body: { reason: 'pwned you' }, why: 'reject a post without being a moderator' })),
  dismissFlag: w => [w.privatePost, w.publicPost].map(id => ({ method: 'POST', path: `/api/posts/${id}/dismiss`, body: {}, why: 'dismiss a flag without being a moderator' })),
  removePost: w => [w.privatePost, w.publicPost].map(id => ({ method: 'POST', path: `/api/posts/${id}/remove`, body: { reason: 'pwned you' }, why: 'remove a post without being a moderator' })),
  reportPost: w => [{ method: 'POST', path: `/api/posts/${w.privatePost}/reports`, body: { reason: 'probing' }, why: 'report a private post one cannot read' }],

  analyticsSeries: w => [{ method: 'GET', path: `/api/analytics/series?community=${w.privateSlug}`, why: 'a private community\'s activity' }],
  analyticsTop: w => [{ method: 'GET', path: `/api/analytics/top?community=${w.privateSlug}`, why: 'a private community\'s top contributors' }],
  analyticsCohorts: w => [
    { method: 'GET', path: `/api/analytics/cohorts?community=${w.privateSlug}`, why: 'a private community\'s retention' },
    { method: 'GET', path: `/api/analytics/cohorts?community=${w.publicSlug}`, why: 'a member reads retention (owners and admins)' },
  ],
  analyticsLive: w => [{ method: 'GET', path: `/api/analytics/live?community=${w.privateSlug}`, why: 'a private community\'s live activity' }],
  analyticsRuns: () => [{ method: 'GET', path: '/api/analytics/runs', why: 'batch runs (site admins)' }],
  analyticsRunBatch: () => [{ method: 'POST', path: '/api/analytics/runs', body: {}, why: 'start a batch run (site admins)' }],

  suggestions: { scopedToCaller: 'the caller\'s own suggestions (private communities checked below)' },
  dismissSuggestion: { scopedToCaller: 'the caller\'s own dismissals' },

  notifications: { scopedToCaller: 'the caller\'s own (checked below)' },
  unreadCount: { scopedToCaller: 'the caller\'s own' },
  markRead: { scopedToCaller: 'marks only the caller\'s own (checked below)' },
}

describe('IDOR: another user\'s private things, by id, through every route', () => {
  let grace: ApiClient
  let katherine: ApiClient
  let world: World

  beforeAll(async () => {
    grace = await new ApiClient(baseURL()).signIn('grace')
    const alan = await new ApiClient(baseURL()).signIn('alan')
    katherine = await new ApiClient(baseURL()).signIn('katherine')
    const graceId = (await grace.get('/api/me')).json.id as string
    const alanId = (await alan.get('/api/me')).json.id as string

    const privateSlug = unique('idor-private')
    expect((await grace.post('/api/communities', { name: 'Private rooms', slug: privateSlug, visibility: 'private' })).status).toBe(201)
    expect((await grace.post(`/api/communities/${privateSlug}/members`, { handle: 'alan' })).status).toBe(201)
    expect((await grace.patch(`/api/communities/${privateSlug}/members/${alanId}`, { role: 'moderator' })).status).toBe(200)
    const privatePost = (await grace.post(`/api/communities/${privateSlug}/posts`, { title: 'Hushhush plans', body: 'Zanzibar quokka' })).json.id as string
    const privateReply = (await alan.post(`/api/posts/${privatePost}/replies`, { body: 'Noted, quokka' })).json.id as string
    expect((await grace.post(`/api/posts/${privatePost}/reactions`, { kind: 'like' })).status).toBe(201)

    const publicSlug = unique('idor-public')
    expect((await grace.post('/api/communities', { name: 'Open rooms', slug: publicSlug })).status).toBe(201)
    expect((await alan.post(`/api/communities/${publicSlug}/join`)).status).toBe(200)
    expect((await grace.patch(`/api/communities/${publicSlug}/members/${alanId}`, { role: 'moderator' })).status).toBe(200)
    expect((await katherine.post(`/api/communities/${publicSlug}/join`)).status).toBe(200)
    const publicPost = (await grace.post(`/api/communities/${publicSlug}/posts`, { title: 'Open plans', body: 'Everyone welcome' })).json.id as string

    const groupId = (await grace.post('/api/groups', { name: 'Inner circle', memberHandles: ['alan'] })).json.id as string

    const privateRoomId = `community:${(await grace.get(`/api/communities/${privateSlug}`)).json.id as string}`
    const groupRoomId = `group:${groupId}`
    const direct = await grace.post('/api/rooms/direct', { handles: ['alan'] })
    expect(direct.status).toBe(201)
    const directRoomId = direct.json.id as string
    const directMessage = (await grace.post(`/api/rooms/${directRoomId}/messages`, { body: 'Whisper about the marmoset' })).json.id as string
    expect((await alan.post(`/api/messages/${directMessage}/reactions`, { kind: 'like' })).status).toBe(201)
    for (const roomId of [privateRoomId, groupRoomId]) expect((await grace.post(`/api/rooms/${roomId}/messages`, { body: 'Marmoset sightings' })).status).toBe(201)
    const publicRoomId = `community:${(await grace.get(`/api/communities/${publicSlug}`)).json.id as string}`
    const publicRoomMessage = (await grace.post(`/api/rooms/${publicRoomId}/messages`, { body: 'Hello, open room' })).json.id as string
    world = { graceId, alanId, privateSlug, privatePost, privateReply, publicSlug, publicPost, groupId, privateRoomId, groupRoomId, directRoomId, directMessage, publicRoomMessage }
  })

  it('covers every route in the contract', () => {
    expect(Object.keys(ATTACKS).sort()).toEqual(Object.keys(api).sort())
  })

  for (const [name, attack] of Object.entries(ATTACKS)) {
    if (!(typeof attack === 'function')) continue
    it(`${name}: refused`, async () => {
      const spec = api[name as keyof Api]
      for (const attempt of attack(world)) {
        expect(attempt.method.toLowerCase(), `${name} attempt uses the route's method`).toBe(spec.method)
        const response = await katherine.request(attempt.method, attempt.path, attempt.body)
        expect([403, 404], `${attempt.method} ${attempt.path} (${attempt.why}) answered ${response.status}: ${response.text.slice(0, 200)}`).toContain(response.status)
      }
    })
  }

  it('leaks nothing through the routes scoped to the caller', async () => {
    const { privateSlug, privatePost, groupId } = world
    const slugsOf = (r: { json: Record<string, any> }) => (r.json.items as Array<{ slug: string }>).map(c => c.slug)
    expect(slugsOf(await katherine.get('/api/communities?limit=100'))).not.toContain(privateSlug)
    expect(slugsOf(await katherine.get('/api/communities?q=private%20rooms'))).not.toContain(privateSlug)
    expect(slugsOf(await katherine.get('/api/me/communities?limit=100'))).not.toContain(privateSlug)
    expect((await katherine.get('/api/groups?limit=100')).json.items.map((g: { id: string }) => g.id)).not.toContain(groupId)
    // Search is an eventually consistent view: wait until the owner finds the post, then look as the outsider.
    await expect.poll(async () => (await grace.get('/api/search?q=quokka')).json.total, { timeout: 15_000 }).toBeGreaterThan(0)
    const found = await katherine.get('/api/search?q=quokka')
    expect(found.json.total).toBe(0)
    expect(found.json.items).toEqual([])
    expect((await katherine.get(`/api/search?q=quokka&community=${privateSlug}`)).json.total).toBe(0)
    expect(JSON.stringify((await katherine.get('/api/notifications?limit=100')).json)).not.toContain(privatePost)

    expect(JSON.stringify((await katherine.get('/api/suggestions')).json)).not.toContain(privateSlug)
    const rooms = (await katherine.get('/api/rooms')).json.items as Array<{ id: string }>
    for (const id of [world.privateRoomId, world.groupRoomId, world.directRoomId]) expect(rooms.map(r => r.id)).not.toContain(id)
    const messages = await katherine.get('/api/messages/search?q=marmoset')
    expect(messages.status).toBe(200)
    expect(messages.json.items).toEqual([])
    const scoped = await katherine.get(`/api/messages/search?q=marmoset&roomId=${encodeURIComponent(world.directRoomId)}`)
    expect([200, 403, 404]).toContain(scoped.status)
    expect(scoped.status === 200 ? scoped.json.items : []).toEqual([])

    // Marking someone else's notifications read does nothing to theirs.
    const graceNotifications = (await grace.get('/api/notifications?limit=100')).json.items as Array<{ id: string, read: boolean }>
    const unreadBefore = (await grace.get('/api/notifications/unread')).json.unread
    const ids = graceNotifications.filter(n => !n.read).map(n => n.id).slice(0, 50)
    if (ids.length) expect([200, 403, 404]).toContain((await katherine.post('/api/notifications/read', { ids })).status)
    expect((await grace.get('/api/notifications/unread')).json.unread).toBe(unreadBefore)
  })

  it('leaves every attacked thing as it was', async () => {
    const { privateSlug, privatePost, publicSlug, publicPost, groupId, alanId } = world
    const community = (await grace.get(`/api/communities/${privateSlug}`)).json
    expect(community).toMatchObject({ name: 'Private rooms', visibility: 'private', memberCount: 2 })
    expect((await grace.get(`/api/posts/${privatePost}`)).json).toMatchObject({ body: 'Zanzibar quokka', deleted: false, replyCount: 1, reactionCounts: { like: 1 }, shareCount: 0 })
    expect((await grace.get(`/api/posts/${publicPost}`)).json).toMatchObject({ body: 'Everyone welcome', deleted: false, shareCount: 0 })
    expect((await grace.get(`/api/groups/${groupId}`)).json).toMatchObject({ name: 'Inner circle' })
    expect((await grace.get(`/api/groups/${groupId}`)).json.memberIds).toHaveLength(2)
    const members = (await grace.get(`/api/communities/${publicSlug}/members`)).json.items as Array<{ userId: string, role: string, handle: string }>
    expect(members.map(m => `${m.handle}:${m.role}`)).toEqual(['grace:owner', 'alan:moderator', 'katherine:member'])
    expect(members.find(m => m.userId === alanId)?.role).toBe('moderator')
    expect((await grace.get(`/api/communities/${publicSlug}`)).json.visibility).toBe('public')
    expect((await grace.get('/api/users/grace')).json.bio).not.toBe('pwned')
    // The conversation between grace and alan is theirs across test files: look at our message and at any intruder's.
    const direct = (await grace.get(`/api/rooms/${encodeURIComponent(world.directRoomId)}/messages?limit=100`)).json.items as Array<{ id: string, body: string, deleted: boolean, author: { handle: string } }>
    expect(direct.find(m => m.id === world.directMessage)).toMatchObject({ body: 'Whisper about the marmoset', deleted: false })
    expect(direct.filter(m => m.author.handle === 'katherine' || m.body === 'pwned')).toEqual([])
    for (const roomId of [world.privateRoomId, world.groupRoomId]) {
      expect(((await grace.get(`/api/rooms/${roomId}/messages`)).json.items as Array<{ body: string }>).map(m => m.body)).toEqual(['Marmoset sightings'])
    }
  })
})
