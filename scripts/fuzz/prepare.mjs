// Prepares a fuzz run against a freshly seeded server: signs in the demo users the routes need,
// makes the data the fuzzer cannot invent (communities this run owns and moderates, posts, a post
// awaiting approval, a flagged post, rooms, messages, groups) and writes schemathesis.toml, which
// hands those identifiers to each operation and sends each operation as the user it needs.
//
//   node scripts/fuzz/prepare.mjs <base url> <output folder>
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

const [base, outDir] = process.argv.slice(2)
if (!base || !outDir) throw new Error('usage: prepare.mjs <base url> <output folder>')
const PASSWORD = 'c18n-demo'

/** A signed-in demo user: its session cookie, and a JSON client that sends it. */
async function signIn(handle) {
  const jar = new Map()
  const keep = (response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';')
      const at = pair.indexOf('=')
      jar.set(pair.slice(0, at), pair.slice(at + 1))
    }
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const csrf = await fetch(`${base}/api/auth/csrf`)
  keep(csrf)
  const { csrfToken } = await csrf.json()
  const form = new URLSearchParams({ csrfToken, handle, password: PASSWORD, json: 'true' })
  const login = await fetch(`${base}/api/auth/callback/credentials`, { method: 'POST', redirect: 'manual', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded', 'cookie': cookie(), 'origin': base } })
  keep(login)
  const session = jar.get('next-auth.session-token')
  if (!session) throw new Error(`could not sign in as ${handle} (${login.status})`)
  async function call(method, path, body) {
    const response = await fetch(`${base}${path}`, { method, headers: { cookie: `next-auth.session-token=${session}`, origin: base, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await response.text()
    if (!response.ok) throw new Error(`${handle}: ${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`)
    return text ? JSON.parse(text) : null
  }
  return { handle, session, call, me: await call('GET', '/api/me') }
}

const [ada, grace, alan, katherine] = await Promise.all(['ada', 'grace', 'alan', 'katherine'].map(signIn))
const directory = (await grace.call('GET', '/api/users?limit=100')).items
// Generated demo users the fuzzer may add, remove, ban and promote: never the signed-in ones.
const extras = directory.filter(u => !['ada', 'grace', 'alan', 'katherine'].includes(u.handle)).slice(0, 12)
// Members to remove, promote and ban; outsiders to add (removed members come back the same way).
const members = extras.slice(0, 8)
const outsiders = extras.slice(8)
// "Sign out everywhere" ends every session of its caller: it runs as a person no other operation uses.
const leaver = await signIn(directory.filter(u => !['ada', 'grace', 'alan', 'katherine'].includes(u.handle))[12].handle)
const passwordChanger = await signIn(directory.filter(u => !['ada', 'grace', 'alan', 'katherine'].includes(u.handle))[14].handle)
// People Grace follows, blocks and mutes (no other operation uses them), followed, blocked and muted
// once already so that taking each back can succeed too.
const connectable = directory.filter(u => !['ada', 'grace', 'alan', 'katherine'].includes(u.handle)).slice(15, 19).map(u => u.handle)
const bannable = directory.filter(u => !['ada', 'grace', 'alan', 'katherine'].includes(u.handle))[13].handle

// Grace owns both communities and Alan moderates them: owner-only routes run as Grace,
// the moderators' routes as Alan, everything else as Grace.
async function community(slug, postsNeedApproval) {
  const made = await grace.call('POST', '/api/communities', { name: `Fuzz ${slug}`, slug, description: 'Made for the API fuzzer', topics: ['computing'], postsNeedApproval })
  for (const user of [alan, katherine, ...members]) await grace.call('POST', `/api/communities/${slug}/members`, { handle: user.handle })
  await grace.call('PATCH', `/api/communities/${slug}/members/${alan.me.id}`, { role: 'moderator' })
  return made
}
const home = await community('fuzz-home', false)
const review = await community('fuzz-review', true)

const post = (who, slug, title) => who.call('POST', `/api/communities/${slug}/posts`, { title, body: `${title}: a post for the fuzzer`, tags: ['fuzz'] })
const gracePosts = await Promise.all(Array.from({ length: 6 }, (_, i) => post(grace, 'fuzz-home', `Grace post ${i}`)))
const katherinePosts = await Promise.all(Array.from({ length: 6 }, (_, i) => post(katherine, 'fuzz-home', `Katherine post ${i}`)))
// The routes that delete get things of their own, so that the others keep theirs for the whole run.
const doomedPosts = await Promise.all(Array.from({ length: 4 }, (_, i) => post(grace, 'fuzz-home', `Post to delete ${i}`)))
const removablePosts = await Promise.all(Array.from({ length: 4 }, (_, i) => post(katherine, 'fuzz-home', `Post to remove ${i}`)))
const replies = await Promise.all(gracePosts.slice(0, 2).map(p => katherine.call('POST', `/api/posts/${p.id}/replies`, { body: 'A reply for the fuzzer' })))
// Posts by Katherine in the community that needs approval wait for a moderator.
const pending = await Promise.all(Array.from({ length: 8 }, (_, i) => post(katherine, 'fuzz-review', `Pending post ${i}`)))
const rejectable = await Promise.all(Array.from({ length: 4 }, (_, i) => post(katherine, 'fuzz-review', `Pending post to reject ${i}`)))
// Enough reports flag a post; the moderators can then dismiss the flag.
const flagged = katherinePosts.slice(3)
await grace.call('PATCH', '/api/communities/fuzz-home/moderation/settings', { reportThreshold: 1, flaggedAction: 'queue' })
await Promise.all(flagged.map(p => grace.call('POST', `/api/posts/${p.id}/reports`, { reason: 'Flagged for the fuzzer' })))

const homeRoom = `community:${home.id}`
const direct = await grace.call('POST', '/api/rooms/direct', { handles: ['alan', 'katherine'] })
const messages = []
for (let i = 0; i < 8; i++) messages.push(await grace.call('POST', `/api/rooms/${encodeURIComponent(homeRoom)}/messages`, { body: `Message ${i} for the fuzzer` }))
const doomedMessages = []
for (let i = 0; i < 4; i++) doomedMessages.push(await grace.call('POST', `/api/rooms/${encodeURIComponent(homeRoom)}/messages`, { body: `Message to delete ${i}` }))
await katherine.call('POST', `/api/rooms/${encodeURIComponent(direct.id)}/messages`, { body: 'A direct message for the fuzzer' })

const groups = []
for (let i = 0; i < 4; i++) groups.push(await grace.call('POST', '/api/groups', { name: `Fuzz group ${i}`, memberHandles: ['alan', 'katherine', ...members.map(u => u.handle)] }))
// Reactions of every kind, for the routes that take one back.
const KINDS = ['like', 'love', 'laugh', 'wow', 'sad']
for (const kind of KINDS) {
  await Promise.all(messages.map(m => grace.call('POST', `/api/messages/${m.id}/reactions`, { kind })))
  await Promise.all(katherinePosts.slice(0, 3).map(p => grace.call('POST', `/api/posts/${p.id}/reactions`, { kind })))
}
// Real cursors: one from a keyset list and one from the ranked search, so paging is reached.
const keysetCursor = (await grace.call('GET', '/api/users?limit=1')).nextCursor
const offsetCursor = (await grace.call('GET', '/api/search?q=post&limit=1')).nextCursor
const groupRooms = groups.map(g => `group:${g.id}`)
const doomedGroups = []
for (let i = 0; i < 3; i++) doomedGroups.push(await grace.call('POST', '/api/groups', { name: `Fuzz group to delete ${i}`, memberHandles: ['alan'] }))

// Uploads with their bytes sent, for the confirm to accept once each (and refuse after).
const uploads = []
for (let i = 0; i < 3; i++) {
  const bytes = Buffer.alloc(1000 + i, i)
  const ticket = await grace.call('POST', '/api/media/uploads', { filename: `fuzz-${i}.png`, contentType: 'image/png', size: bytes.length })
  const put = await fetch(new URL(ticket.upload.url, base), { method: 'PUT', body: bytes, headers: { ...ticket.upload.headers, cookie: `next-auth.session-token=${grace.session}`, origin: base } })
  if (!put.ok) throw new Error(`upload of fuzz-${i}.png answered ${put.status}`)
  uploads.push(ticket)
}

for (const handle of connectable.slice(0, 2)) await grace.call('POST', `/api/users/${handle}/follow`, {})
await grace.call('POST', `/api/users/${connectable[2]}/block`, {})
await grace.call('POST', `/api/users/${connectable[3]}/mute`, {})

const slugs = ['fuzz-home', 'fuzz-review']
const ids = {
  slug: slugs,
  bannable: [bannable],
  // Other communities, public ones of the demo data, to join and leave.
  otherSlug: (await grace.call('GET', '/api/communities?limit=100')).items.filter(c => c.visibility === 'public' && c.myRole === null).slice(0, 4).map(c => c.slug),
  handle: directory.slice(0, 20).map(u => u.handle),
  // Outsiders to add, and the members the fuzzer removes, to add back.
  extraHandle: [...outsiders, ...members].map(u => u.handle),
  memberId: members.map(u => u.id),
  cursor: [keysetCursor, offsetCursor].filter(Boolean),
  offsetCursor: [offsetCursor].filter(Boolean),
  post: [...gracePosts, ...katherinePosts, ...replies].map(p => p.id),
  otherPost: [...katherinePosts.slice(0, 3), ...replies].map(p => p.id),
  ownPost: gracePosts.map(p => p.id),
  doomedPost: doomedPosts.map(p => p.id),
  removablePost: removablePosts.map(p => p.id),
  pendingPost: pending.map(p => p.id),
  rejectablePost: rejectable.map(p => p.id),
  flaggedPost: flagged.map(p => p.id),
  message: messages.map(m => m.id),
  doomedMessage: doomedMessages.map(m => m.id),
  room: [homeRoom, direct.id, ...groupRooms],
  group: groups.map(g => g.id),
  doomedGroup: doomedGroups.map(g => g.id),
  communityId: [home.id, review.id],
  upload: uploads.map(u => u.media.id),
  // The demo password, so that a generated change can succeed (it ends that person's sessions only).
  demoPassword: ['c18n-demo'],
  connectable,
}

const q = JSON.stringify
const dictionaries = Object.entries(ids).map(([name, values]) => `[dictionaries.${name}]\nvalues = ${q(values)}\n`).join('\n')
/** One operation's settings: who sends it, and which dictionary each named parameter draws from. */
function operation(operationIds, who, parameters = {}) {
  const bindings = Object.entries(parameters).map(([key, dict]) => `${q(key)} = { dictionary = ${q(dict)}, probability = 0.9 }`).join(', ')
  return `[[operations]]\ninclude-operation-id = ${q(operationIds)}\nheaders = { Cookie = ${q(`next-auth.session-token=${who.session}`)}, Origin = ${q(base)} }\n${bindings ? `parameters = { ${bindings} }\n` : ''}`
}

const operations = [
  operation(['getUser'], grace, { 'path.handle': 'handle' }),
  operation(['updateUser'], grace, { 'path.handle': 'grace' }),
  operation(['getGroup', 'renameGroup', 'addGroupMember', 'removeGroupMember'], grace, { 'path.id': 'group', 'path.userId': 'memberId', 'body.handle': 'extraHandle' }),
  operation(['deleteGroup'], grace, { 'path.id': 'doomedGroup' }),
  operation(['getCommunity', 'listMembers', 'muteCommunity', 'feed', 'createPost'], grace, { 'path.slug': 'slug', 'query.cursor': 'cursor' }),
  operation(['updateCommunity', 'communityAudit', 'changeMemberRole', 'removeMember', 'addMember'], grace, { 'path.slug': 'slug', 'path.userId': 'memberId', 'body.handle': 'extraHandle' }),
  operation(['joinCommunity', 'leaveCommunity'], grace, { 'path.slug': 'otherSlug' }),
  operation(['getPost', 'thread', 'reply', 'postHistory', 'react', 'unreact', 'share'], grace, { 'path.id': 'post', 'body.target.slug': 'slug', 'body.target.groupId': 'group' }),
  operation(['editPost'], grace, { 'path.id': 'ownPost' }),
  operation(['deletePost'], grace, { 'path.id': 'doomedPost' }),
  operation(['reportPost'], grace, { 'path.id': 'otherPost' }),
  operation(['moderationQueue', 'moderationSettings', 'updateModerationSettings', 'banMember'], alan, { 'path.slug': 'slug', 'body.userId': 'memberId', 'query.cursor': 'cursor' }),
  operation(['approvePost'], alan, { 'path.id': 'pendingPost' }),
  operation(['rejectPost'], alan, { 'path.id': 'rejectablePost' }),
  operation(['dismissFlag'], alan, { 'path.id': 'flaggedPost' }),
  operation(['removePost'], alan, { 'path.id': 'removablePost' }),
  operation(['getRoom', 'roomMessages', 'sendMessage', 'markRoomRead'], grace, { 'path.roomId': 'room', 'query.cursor': 'cursor' }),
  operation(['listUsers', 'listCommunities', 'myCommunities', 'listGroups', 'notifications'], grace, { 'query.cursor': 'cursor' }),
  operation(['searchMessages'], grace, { 'query.roomId': 'room' }),
  operation(['editMessage', 'reactMessage', 'unreactMessage'], grace, { 'path.id': 'message' }),
  operation(['deleteMessage'], grace, { 'path.id': 'doomedMessage' }),
  operation(['startDirect'], grace, { 'body.handles[*]': 'handle' }),
  operation(['dismissSuggestion'], grace, { 'body.id': 'communityId' }),
  operation(['analyticsSeries', 'analyticsTop', 'analyticsCohorts', 'analyticsLive', 'analyticsRuns', 'analyticsRunBatch'], ada, { 'query.community': 'slug' }),
  operation(['signOutEverywhere'], leaver),
  // A password change that works would end its caller's sessions too: another person of its own.
  operation(['changePassword'], passwordChanger, { 'body.currentPassword': 'demoPassword' }),
  operation(['confirmUpload'], grace, { 'path.id': 'upload' }),
  operation(['follow', 'unfollow', 'block', 'unblock', 'mute', 'unmute', 'relation', 'followers', 'following'], grace, { 'path.handle': 'connectable' }),
  // A ban from the site ends its target's sessions: it falls on a person no other operation uses.
  operation(['siteBan', 'liftSiteBan'], ada, { 'path.handle': 'bannable' }),
  operation(['search'], grace, { 'query.community': 'slug', 'query.author': 'handle', 'query.cursor': 'offsetCursor' }),
]

const config = `# Written by scripts/fuzz/prepare.mjs for one run: identifiers of this server's data and sessions.
hooks = "fuzz_hooks"
headers = { Cookie = ${q(`next-auth.session-token=${grace.session}`)}, Origin = ${q(base)} }

[dictionaries.grace]
values = ["grace"]

${dictionaries}
${operations.join('\n')}`
writeFileSync(join(outDir, 'schemathesis.toml'), config)
console.log(`[fuzz] prepared ${ids.post.length} posts, ${ids.pendingPost.length} awaiting approval, ${ids.flaggedPost.length} flagged, ${ids.message.length} messages, ${ids.group.length} groups, ${ids.room.length} rooms`)
