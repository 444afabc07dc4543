import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from './client'
import { type Frame, LiveClient } from './live-client'
import { eventually, unique } from '../contract/suites/wait'

/**
 * Issue 17's matrix: for every kind of change and every place content reaches, one test that a
 * person who may no longer see the content does not, and one that a person who still may, does.
 * The table below is the whole of it; the tests are generated from it. A place that does not
 * apply to a change says why in the table, and shows up as a skipped test with that reason.
 * The same table runs embedded (tests/api) and on the real stack (tests/real).
 */

export const PLACES = ['rest', 'ssr', 'search', 'live', 'backlog', 'history', 'feeds', 'notifications', 'trending', 'suggestions'] as const
export type Place = typeof PLACES[number]

export const CHANGES = [
  'community made private', 'member removed from a community', 'member removed from a group', 'member banned', 'member muted',
  'post deleted', 'post hidden', 'post pending approval', 'message deleted',
] as const
export type Change = typeof CHANGES[number]

type Who = 'owner' | 'loser' | 'keeper'
/** What a probe looks at: content that existed before the change, created after it, or left untouched by it. */
type RefName = 'target' | 'fresh' | 'control' | 'message' | 'freshMessage'
interface Ref { kind: 'post' | 'message', id: string, token: string, room: string }
interface Side { who: Who, ref: RefName }
type Custom = (world: World) => Promise<void>
/** A cell: the two checks, or why the place does not apply to the change. */
export type Cell = { loses: Side, keeps: Side | { na: string } } | { na: string } | { custom: { loses: Custom, keeps: Custom } }

interface World {
  cast: Record<Who, string>
  slug: string
  communityId: string
  groupId?: string
  clients: Record<Who, ApiClient>
  /** Sockets subscribed to the row's live room before the change. */
  sockets: Record<Who, LiveClient>
  liveRoom: string
  refs: Partial<Record<RefName, Ref>>
  ids: Record<Who, string>
}

interface Row {
  /** Who owns, who loses sight, who keeps it: demo handles. */
  cast: Record<Who, string>
  /** The live room the row's sockets follow. */
  liveRoom: 'posts' | 'chat' | 'group'
  /** Whether the loser's open subscription is revoked (with an error frame naming the room). */
  revokes: boolean
  /** Builds the world up to the change: the content exists and the loser has seen it (proved). */
  before(world: World, env: Env): Promise<void>
  change(world: World, env: Env): Promise<void>
  /** Content made after the change, for places that show what is new. */
  after?(world: World, env: Env): Promise<void>
  cells: Record<Place, Cell>
}

interface Env { baseURL: string, post: (who: Who, world: World, title: string, body?: string) => Promise<Ref> }

const NOT_POSTS = (what: string) => ({ na: `${what} has no posts: chat messages reach REST, search, live and backlog only` })
const CHAT_ONLY = { na: 'chat messages are not rendered on the server, not versioned through the API, not in feeds, notifications, trending or suggestions' }
const NO_SUGGESTION_OF_POSTS = { na: 'suggestions name communities and people, never posts or messages' }
const MUTE_READS = { na: 'a mute stops writing, not reading: the muted member reads everything still' }

const target = (who: Who = 'loser'): Side => ({ who, ref: 'target' })
const keepTarget = (who: Who = 'keeper'): Side => ({ who, ref: 'target' })
const keepControl = (who: Who = 'keeper'): Side => ({ who, ref: 'control' })

/** The cells of a change that takes a whole community (or a member's access to it) away. */
function accessCells(suggestions: Cell): Record<Place, Cell> {
  return {
    rest: { loses: target(), keeps: keepTarget() },
    ssr: { loses: target(), keeps: keepTarget() },
    search: { loses: target(), keeps: keepTarget() },
    live: { loses: { who: 'loser', ref: 'fresh' }, keeps: { who: 'keeper', ref: 'fresh' } },
    backlog: { loses: target(), keeps: keepTarget() },
    history: { loses: target(), keeps: keepTarget() },
    feeds: { loses: target(), keeps: keepTarget() },
    notifications: { loses: target(), keeps: keepTarget() },
    trending: { loses: target(), keeps: keepTarget() },
    suggestions,
  }
}

// The suggester works suggestions out from its graph on its own schedule, not on demand; what
// they may show is decided when they are read (public communities one is not in), and that rule
// is tested against a change in tests/unit/permissions.test.ts.
const PRIVATE_NOT_SUGGESTED: Cell = { na: 'suggestions are worked out by the suggester on its own schedule; the read-time rule is tested in tests/unit/permissions.test.ts' }

/** Every row's people: Grace owns, Alan loses sight, Katherine keeps it. */
const CAST: Record<Who, string> = { owner: 'grace', loser: 'alan', keeper: 'katherine' }

/**
 * A change that takes a member's access to a private community away: the community is made
 * private and the loser and the keeper are added before the row's own `before`.
 */
function privateMemberRow(row: Pick<Row, 'liveRoom' | 'before' | 'change' | 'after' | 'cells'>): Row {
  return {
    ...row,
    cast: CAST,
    revokes: true,
    async before(w, env) {
      await makePrivate(w)
      await addMembers(w)
      await row.before(w, env)
    },
  }
}

/**
 * A change to one post in a community all three belong to: the loser loses the target post
 * everywhere, and the keeper still sees the control post unless `keeps` names another side.
 */
function postRow(row: Pick<Row, 'before' | 'change' | 'after'> & { keeps?: Partial<Record<Exclude<Place, 'suggestions'>, Side>> }): Row {
  const cells = Object.fromEntries(PLACES.filter(place => place !== 'suggestions')
    .map(place => [place, { loses: target(), keeps: row.keeps?.[place as Exclude<Place, 'suggestions'>] ?? keepControl() }]))
  return {
    cast: CAST,
    liveRoom: 'posts',
    revokes: false,
    async before(w, env) {
      await addMembers(w)
      await row.before(w, env)
    },
    change: row.change,
    after: row.after,
    cells: { ...cells, suggestions: NO_SUGGESTION_OF_POSTS } as Record<Place, Cell>,
  }
}

const TABLE: Record<Change, Row> = {
  'community made private': {
    cast: CAST,
    liveRoom: 'posts',
    revokes: true,
    async before(w, env) {
      await join(w, 'keeper')
      // The loser is no member: they read it as the public does, and hear of it by a mention.
      w.refs.target = await env.post('owner', w, 'Open secret', `For @${w.cast.loser} and all`)
    },
    async change(w) {
      expect((await w.clients.owner.patch(`/api/communities/${w.slug}`, { visibility: 'private' })).status).toBe(200)
    },
    async after(w, env) { w.refs.fresh = await env.post('owner', w, 'Now private') },
    cells: accessCells(PRIVATE_NOT_SUGGESTED),
  },
  'member removed from a community': privateMemberRow({
    liveRoom: 'posts',
    async before(w, env) {
      w.refs.target = await env.post('owner', w, 'Members only')
    },
    async change(w) {
      expect((await w.clients.owner.delete(`/api/communities/${w.slug}/members/${w.ids.loser}`)).status).toBe(204)
    },
    async after(w, env) { w.refs.fresh = await env.post('owner', w, 'After you left') },
    cells: accessCells(PRIVATE_NOT_SUGGESTED),
  }),
  'member banned': privateMemberRow({
    liveRoom: 'chat',
    async before(w, env) {
      w.refs.target = await env.post('owner', w, 'Before the ban')
      w.refs.message = await say(w, 'owner', 'said before the ban')
    },
    async change(w) {
      expect((await w.clients.owner.post(`/api/communities/${w.slug}/bans`, { userId: w.ids.loser, mode: 'ban', hours: null, reason: 'test' })).status).toBe(201)
    },
    async after(w) { w.refs.freshMessage = await say(w, 'owner', 'said after the ban') },
    cells: {
      ...accessCells(PRIVATE_NOT_SUGGESTED),
      live: { loses: { who: 'loser', ref: 'freshMessage' }, keeps: { who: 'keeper', ref: 'freshMessage' } },
      backlog: { loses: { who: 'loser', ref: 'message' }, keeps: { who: 'keeper', ref: 'message' } },
    },
  }),
  'member removed from a group': {
    cast: CAST,
    liveRoom: 'group',
    revokes: true,
    async before(w) {
      const group = await w.clients.owner.post('/api/groups', { name: 'Matrix group', memberHandles: [w.cast.loser, w.cast.keeper] })
      expect(group.status).toBe(201)
      w.groupId = group.json.id
      w.refs.target = await say(w, 'owner', 'group words', `group:${w.groupId}`)
    },
    async change(w) {
      expect((await w.clients.owner.delete(`/api/groups/${w.groupId}/members/${w.ids.loser}`)).status).toBe(200)
    },
    async after(w) { w.refs.fresh = await say(w, 'owner', 'group words after', `group:${w.groupId}`) },
    cells: {
      rest: { loses: target(), keeps: keepTarget() },
      ssr: CHAT_ONLY,
      search: { loses: target(), keeps: keepTarget() },
      live: { loses: { who: 'loser', ref: 'fresh' }, keeps: { who: 'keeper', ref: 'fresh' } },
      backlog: { loses: target(), keeps: keepTarget() },
      history: CHAT_ONLY,
      feeds: NOT_POSTS('A group'),
      notifications: CHAT_ONLY,
      trending: CHAT_ONLY,
      suggestions: { na: 'groups are never suggested' },
    },
  },
  'member muted': {
    cast: CAST,
    liveRoom: 'chat',
    revokes: false,
    async before(w, env) {
      await addMembers(w)
      w.refs.target = await env.post('owner', w, 'Talk about it')
      w.refs.message = await say(w, 'owner', 'chat about it')
    },
    async change(w) {
      expect((await w.clients.owner.post(`/api/communities/${w.slug}/bans`, { userId: w.ids.loser, mode: 'mute', hours: 2, reason: 'cool off' })).status).toBe(201)
    },
    cells: {
      // What a mute takes away is the voice: every way of writing over REST, and over the socket.
      rest: {
        custom: {
          loses: async w => expect(await restWrites(w, 'loser')).toEqual({ post: 403, reply: 403, react: 403, share: 403, message: 403, messageReaction: 403 }),
          keeps: async w => expect(await restWrites(w, 'keeper')).toEqual({ post: 201, reply: 201, react: 201, share: 201, message: 201, messageReaction: 201 }),
        },
      },
      live: {
        custom: {
          loses: async w => expect(await w.sockets.loser.call({ type: 'send', room: `community:${w.communityId}`, body: 'muted words' })).toMatchObject({ type: 'error', code: 'forbidden' }),
          keeps: async w => expect(await w.sockets.keeper.call({ type: 'send', room: `community:${w.communityId}`, body: 'free words' })).toMatchObject({ type: 'ack' }),
        },
      },
      ssr: MUTE_READS, search: MUTE_READS, backlog: MUTE_READS, history: MUTE_READS, feeds: MUTE_READS, notifications: MUTE_READS, trending: MUTE_READS, suggestions: MUTE_READS,
    },
  },
  'post deleted': postRow({
    async before(w, env) {
      w.refs.control = await env.post('owner', w, 'Still here')
      w.refs.target = await env.post('owner', w, 'Soon gone')
    },
    async change(w) {
      expect((await w.clients.owner.delete(`/api/posts/${w.refs.target!.id}`)).status).toBe(204)
    },
    // The versions stay, for the moderators (and audit) alone.
    keeps: { history: keepTarget('owner') },
  }),
  'post hidden': postRow({
    async before(w, env) {
      w.refs.control = await env.post('owner', w, 'Harmless')
      w.refs.target = await env.post('keeper', w, 'Soon hidden')
      expect((await w.clients.owner.patch(`/api/communities/${w.slug}/moderation/settings`, { wordList: ['zebracorn'] })).status).toBe(200)
    },
    async change(w) {
      // The author's edit trips the community's word list: the flagger hides the post.
      expect((await w.clients.keeper.patch(`/api/posts/${w.refs.target!.id}`, { body: 'now with zebracorn' })).status).toBe(200)
      await eventually(async () => expect((await w.clients.keeper.get(`/api/posts/${w.refs.target!.id}`)).json.moderation).toBe('hidden'), 20_000)
    },
    // Its author and the moderators still see a hidden post; nobody else, anywhere.
    keeps: { rest: keepTarget(), ssr: keepTarget(), history: keepTarget('owner'), feeds: keepTarget(), notifications: keepTarget('owner') },
  }),
  'post pending approval': postRow({
    async before() {},
    async change(w) {
      expect((await w.clients.owner.patch(`/api/communities/${w.slug}`, { postsNeedApproval: true })).status).toBe(200)
    },
    async after(w, env) {
      w.refs.target = await env.post('keeper', w, 'Awaiting approval')
      // Published at once (the owner moderates), after the pending one: what the others do see.
      w.refs.control = await env.post('owner', w, 'Published meanwhile')
    },
    keeps: { rest: keepTarget('owner'), ssr: keepTarget('owner'), history: keepTarget(), feeds: keepTarget(), notifications: keepTarget('owner') },
  }),
  'message deleted': {
    cast: CAST,
    liveRoom: 'chat',
    revokes: false,
    async before(w) {
      await addMembers(w)
      w.refs.control = await say(w, 'owner', 'words that stay')
      w.refs.target = await say(w, 'keeper', 'words soon taken back')
    },
    async change(w) {
      expect((await w.clients.keeper.delete(`/api/messages/${w.refs.target!.id}`)).status).toBe(204)
    },
    cells: {
      rest: { loses: target(), keeps: keepControl() },
      ssr: CHAT_ONLY,
      search: { loses: target(), keeps: keepControl() },
      live: { loses: target(), keeps: keepControl() },
      backlog: { loses: target(), keeps: keepControl() },
      history: CHAT_ONLY,
      feeds: NOT_POSTS('A chat room'),
      notifications: CHAT_ONLY,
      trending: CHAT_ONLY,
      suggestions: NO_SUGGESTION_OF_POSTS,
    },
  },
}

// ---- the world each row builds --------------------------------------------------------------

async function join(w: World, who: Who) {
  expect((await w.clients[who].post(`/api/communities/${w.slug}/join`)).status).toBe(200)
}
async function add(w: World, who: Who) {
  expect((await w.clients.owner.post(`/api/communities/${w.slug}/members`, { handle: w.cast[who] })).status).toBe(201)
}
/** The loser and the keeper join the community, added by its owner. */
async function addMembers(w: World) {
  await add(w, 'loser')
  await add(w, 'keeper')
}
async function makePrivate(w: World) {
  expect((await w.clients.owner.patch(`/api/communities/${w.slug}`, { visibility: 'private' })).status).toBe(200)
}
async function say(w: World, who: Who, words: string, room = `community:${w.communityId}`): Promise<Ref> {
  const token = unique('msg').replace(/-/g, '')
  const sent = await w.clients[who].post(`/api/rooms/${room}/messages`, { body: `${words} ${token}` })
  expect(sent.status).toBe(201)
  return { kind: 'message', id: sent.json.id, token, room }
}

/** Every way a member writes, over REST: the status of each. */
async function restWrites(w: World, who: Who) {
  const client = w.clients[who]
  const post = w.refs.target!.id
  const message = w.refs.message!.id
  return {
    post: (await client.post(`/api/communities/${w.slug}/posts`, { title: 'A word', body: 'from me', tags: [] })).status,
    reply: (await client.post(`/api/posts/${post}/replies`, { body: 'a reply' })).status,
    react: (await client.post(`/api/posts/${post}/reactions`, { kind: 'like' })).status,
    share: (await client.post(`/api/posts/${post}/shares`, { target: { type: 'link' } })).status,
    message: (await client.post(`/api/rooms/community:${w.communityId}/messages`, { body: 'a chat line' })).status,
    messageReaction: (await client.post(`/api/messages/${message}/reactions`, { kind: 'like' })).status,
  }
}

// ---- what each place shows a person ---------------------------------------------------------

const eventIdOf = (f: Frame) => String(f.payload?.message?.id ?? f.payload?.id ?? '')

/** Whether the frames show the content now: it arrived, and was not taken away after. */
function shownIn(frames: Frame[], ref: Ref): boolean {
  const about = frames.filter(f => f.type === 'event' && eventIdOf(f) === ref.id)
  const shown = about.some(f => f.kind === 'post.created' || f.kind === 'message.sent')
  const taken = about.some(f => f.kind === 'post.deleted' || f.kind === 'message.deleted')
  return shown && !taken
}

async function sees(place: Place, w: World, who: Who, ref: Ref, baseURL: string): Promise<boolean> {
  const client = w.clients[who]
  const has = (text: string) => text.includes(ref.token)
  switch (place) {
    case 'rest': {
      if (ref.kind === 'message') {
        const page = await client.get(`/api/rooms/${ref.room}/messages?limit=50`)
        return page.status === 200 && (page.json.items as Array<{ id: string, body: string }>).some(m => m.id === ref.id && has(m.body))
      }
      const post = await client.get(`/api/posts/${ref.id}`)
      return post.status === 200 && has(`${post.json.title} ${post.json.body}`)
    }
    case 'ssr': {
      const page = await client.raw('GET', `/c/${w.slug}/p/${ref.id}`, { headers: { accept: 'text/html' } })
      return page.status === 200 && has(page.text)
    }
    case 'search': {
      // Posts are found by their words, by their tag, and among the newest with no query at all.
      const asked = ref.kind === 'message'
        ? [`/api/messages/search?q=${ref.token}`]
        : [`/api/search?q=${ref.token}`, `/api/search?tag=${ref.token}`, '/api/search?limit=50']
      const answers = await Promise.all(asked.map(path => client.get(path)))
      return answers.some(found => found.status === 200 && (found.json.items as Array<{ post?: { id: string }, message?: { id: string } }>).some(i => (i.post ?? i.message)?.id === ref.id))
    }
    case 'live':
      return shownIn(w.sockets[who].frames, ref)
    case 'backlog': {
      const socket = await LiveClient.connect(baseURL, { cookie: client.cookieHeader })
      try {
        const answer = await socket.call({ type: 'subscribe', room: ref.room, since: 0 })
        if (answer.type !== 'subscribed') return false
        // The backlog is sent before the subscription is confirmed.
        return shownIn(socket.frames, ref)
      }
      finally {
        socket.close()
      }
    }
    case 'history': {
      const history = await client.get(`/api/posts/${ref.id}/history`)
      return history.status === 200 && (history.json.items as Array<{ title: string, body: string }>).some(v => has(`${v.title} ${v.body}`))
    }
    case 'feeds': {
      const feed = await client.get(`/api/communities/${w.slug}/posts?limit=50`)
      return feed.status === 200 && (feed.json.items as Array<{ id: string, title: string }>).some(p => p.id === ref.id && has(p.title))
    }
    case 'notifications': {
      const list = await client.get('/api/notifications?limit=50')
      return list.status === 200 && (list.json.items as Array<{ postId: string }>).some(n => n.postId === ref.id)
    }
    case 'trending': {
      const [site, community] = await Promise.all([client.get('/api/analytics/live'), client.get(`/api/analytics/live?community=${w.slug}`)])
      return [site, community].some(r => r.status === 200 && (r.json.trendingPosts as Array<{ id: string }>).some(p => p.id === ref.id))
    }
    case 'suggestions': {
      const list = await client.get('/api/suggestions?limit=50')
      if (list.json?.state !== 'ready') throw new Error('suggestions are not worked out yet: they would say nothing either way')
      return (list.json.communities as Array<{ community: { id: string } }>).some(c => c.community.id === w.communityId)
    }
  }
}

/** A check that a person does not see something needs a marker proving the place has caught up. */
async function settle(w: World, env: Env) {
  // The owner always may follow the live room: once their socket has the marker, every socket
  // on this instance was handed everything before it; a ping answered proves it arrived.
  const marker = w.liveRoom.startsWith('posts:') ? await env.post('owner', w, 'Marker') : await say(w, 'owner', 'marker', w.liveRoom)
  await w.sockets.owner.next(f => f.type === 'event' && eventIdOf(f) === marker.id, 20_000)
  for (const who of ['loser', 'keeper'] as const) {
    const pongs = w.sockets[who].frames.filter(f => f.type === 'pong').length
    w.sockets[who].send({ type: 'ping' })
    await w.sockets[who].next(f => f.type === 'pong' && w.sockets[who].frames.filter(g => g.type === 'pong').length > pongs, 10_000)
  }
  // The pipeline's other consumers take the community's events in order: each has caught up
  // with the change once it shows the marker (search, and for posts the notifier and analytics).
  await eventually(async () => expect(await sees('search', w, 'owner', marker, env.baseURL)).toBe(true), 30_000, 100)
  if (marker.kind === 'post') {
    await eventually(async () => expect(await sees('notifications', w, 'keeper', marker, env.baseURL)).toBe(true), 30_000, 100)
    await eventually(async () => expect(await sees('trending', w, 'owner', marker, env.baseURL)).toBe(true), 30_000, 100)
  }
}

/** Places whose view is built by a consumer: the loser's "before" is awaited, not read once. */
const EVENTUAL: Place[] = ['search', 'notifications', 'trending', 'live']

/** Registers the matrix's tests against a running app. */
export function permissionMatrix(baseURL: () => string) {
  const sockets: LiveClient[] = []
  afterAll(() => sockets.forEach(s => s.close()))

  it('has a cell (a check or a stated reason) for every change and every place', () => {
    const missing = CHANGES.flatMap(change => PLACES.filter(place => !TABLE[change].cells[place]).map(place => `${change} × ${place}`))
    expect(missing).toEqual([])
  })

  // Each person signs in once for the whole table: sign-ins per account are rate limited, and the
  // other suites on the same server sign the same demo people in too.
  const sessions = new Map<string, Promise<ApiClient>>()
  const signedIn = (url: string, handle: string) => {
    if (!sessions.has(handle)) sessions.set(handle, new ApiClient(url).signIn(handle))
    return sessions.get(handle)!
  }

  for (const change of CHANGES) {
    const row = TABLE[change]
    describe(change, () => {
      let world: World
      beforeAll(async () => {
        const url = baseURL()
        const clients = {
          owner: await signedIn(url, row.cast.owner),
          loser: await signedIn(url, row.cast.loser),
          keeper: await signedIn(url, row.cast.keeper),
        }
        const ids = {
          owner: (await clients.owner.get('/api/me')).json.id as string,
          loser: (await clients.loser.get('/api/me')).json.id as string,
          keeper: (await clients.keeper.get('/api/me')).json.id as string,
        }
        const slug = unique('matrix').toLowerCase().slice(0, 40)
        const made = await clients.owner.post('/api/communities', { name: `Matrix ${change}`.slice(0, 60), slug, description: 'issue 17', topics: [], visibility: 'public' })
        expect(made.status).toBe(201)
        const env: Env = {
          baseURL: url,
          post: async (who, w, title, body = 'the words of it') => {
            const token = unique('post').replace(/-/g, '')
            const created = await w.clients[who].post(`/api/communities/${w.slug}/posts`, { title: `${title} ${token}`, body, tags: [token] })
            expect(created.status).toBe(201)
            return { kind: 'post', id: created.json.id, token, room: `posts:${w.communityId}` }
          },
        }
        world = { cast: row.cast, slug, communityId: made.json.id, clients, ids, refs: {}, sockets: {} as World['sockets'], liveRoom: '' }
        await row.before(world, env)
        world.liveRoom = row.liveRoom === 'posts' ? `posts:${world.communityId}` : row.liveRoom === 'chat' ? `community:${world.communityId}` : `group:${world.groupId}`
        for (const who of ['owner', 'loser', 'keeper'] as const) {
          const socket = await LiveClient.connect(url, { cookie: clients[who].cookieHeader })
          sockets.push(socket)
          world.sockets[who] = socket
          // From the start of the room's stream: the socket has shown what existed before.
          expect((await socket.call({ type: 'subscribe', room: world.liveRoom, since: 0 })).type).toBe('subscribed')
        }
        // Before the change the loser sees what they are about to lose: each check can fail.
        for (const place of PLACES) {
          const cell = row.cells[place]
          if (!('loses' in cell) || cell.loses.ref !== 'target' || !world.refs.target || place === 'suggestions') continue
          if (EVENTUAL.includes(place)) await eventually(async () => expect(await sees(place, world, 'loser', world.refs.target!, url), `${place} before the change`).toBe(true), 30_000, 100)
          else expect(await sees(place, world, 'loser', world.refs.target!, url), `${place} before the change`).toBe(true)
        }
        await row.change(world, env)
        await row.after?.(world, env)
        await settle(world, env)
      }, 180_000)

      for (const place of PLACES) {
        const cell = row.cells[place]
        if ('na' in cell) {
          it.skip(`${place}: not applicable: ${cell.na}`, () => {})
          continue
        }
        if ('custom' in cell) {
          it(`${place}: the person the change is about may no longer do it`, () => cell.custom.loses(world), 30_000)
          it(`${place}: a person it does not touch still may`, () => cell.custom.keeps(world), 30_000)
          continue
        }
        it(`${place}: a person who may no longer see it does not`, async () => {
          const ref = world.refs[cell.loses.ref]!
          expect(await sees(place, world, cell.loses.who, ref, baseURL())).toBe(false)
          if (place === 'live' && row.revokes) {
            expect(world.sockets.loser.frames.find(f => f.type === 'error' && f.room === world.liveRoom)).toMatchObject({ code: expect.stringMatching(/not_found|forbidden/) })
          }
        }, 60_000)
        if ('na' in cell.keeps) {
          it.skip(`${place}: who still may see it: not applicable: ${cell.keeps.na}`, () => {})
          continue
        }
        const keeps = cell.keeps
        it(`${place}: a person who still may see it does`, async () => {
          const ref = world.refs[keeps.ref]!
          await eventually(async () => expect(await sees(place, world, keeps.who, ref, baseURL())).toBe(true), EVENTUAL.includes(place) ? 30_000 : 2_000, 100)
        }, 60_000)
      }
    })
  }
}
