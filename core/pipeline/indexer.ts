import type { Ports } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import { COMMUNITIES_INDEX } from '../domain/communities'
import { POSTS_INDEX, type PostDoc } from '../domain/posts-model'
import { USERS_INDEX } from '../domain/users'
import { MESSAGES_INDEX } from '../domain/chat'
import type { MessageDoc } from '../domain/chat-model'
import { reindexAfterVisibilityChange } from './visibility'
import { type freshDocs, findByIds } from './fresh-docs'

/** Indexes the current state of what an event touched: users, communities, posts and replies. */
export async function indexEvent(ports: Pick<Ports, 'store' | 'search'>, event: CloudEvent) {
  const [aggregate] = event.type.slice('c18n.'.length).split('.')
  const id = String(event.data.id ?? '')
  if (aggregate === 'user') await indexUser(ports, id)
  else if (aggregate === 'community') {
    await indexCommunity(ports, id)
    await reindexAfterVisibilityChange(ports, event)
  }
  else if (aggregate === 'post' || aggregate === 'flag') await indexPost(ports, id)
  else if (aggregate === 'message') await indexMessage(ports, id)
}

const aggregateOf = (event: CloudEvent) => event.type.slice('c18n.'.length).split('.')[0]!

/**
 * Indexes what a batch of applied events touched: each document once, read with one query per
 * collection, written with one bulk request per index.
 */
export async function indexEvents({ store, search }: Pick<Ports, 'store' | 'search'>, events: CloudEvent[], atHand?: ReturnType<typeof freshDocs>) {
  const ids = { user: new Set<string>(), community: new Set<string>(), post: new Set<string>(), message: new Set<string>() }
  for (const event of events) {
    const aggregate = aggregateOf(event)
    const id = String(event.data.id ?? '')
    if (!id) continue
    if (aggregate === 'flag') ids.post.add(id)
    else if (aggregate in ids) ids[aggregate as keyof typeof ids].add(id)
  }
  const byId = <T extends { _id: string }>(docs: T[]) => new Map(docs.map(d => [d._id, d]))
  const find = <T extends { _id: string }>(collection: string, set: Set<string>) => (set.size ? store.collection<T>(collection).find({ _id: { $in: [...set] } }) : Promise.resolve([] as T[]))
  const [posts, messages] = await Promise.all([findByIds(store.collection<PostDoc>('posts'), ids.post, atHand?.posts), findByIds(store.collection<MessageDoc>('messages'), ids.message, atHand?.messages)])
  // Posts show their author's handle and their community's visibility.
  for (const post of posts) {
    ids.user.add(post.authorId)
    ids.community.add(post.communityId)
  }
  const [users, communities] = await Promise.all([
    find<{ _id: string, handle: string, displayName: string, bio: string, interests: string[], createdAt: string }>('users', ids.user).then(byId),
    find<{ _id: string, slug: string, name: string, description: string, topics: string[], visibility: string, createdAt: string }>('communities', ids.community).then(byId),
  ])
  const userEntries = [...new Set(events.filter(e => aggregateOf(e) === 'user').map(e => String(e.data.id)))].flatMap((id) => {
    const user = users.get(id)
    return user ? [{ id, document: { handle: user.handle, displayName: user.displayName, bio: user.bio, interests: user.interests, createdAt: user.createdAt } }] : []
  })
  const communityEntries = [...new Set(events.filter(e => aggregateOf(e) === 'community').map(e => String(e.data.id)))].flatMap((id) => {
    const c = communities.get(id)
    return c ? [{ id, document: { slug: c.slug, name: c.name, description: c.description, topics: c.topics, visibility: c.visibility, createdAt: c.createdAt } }] : []
  })
  // Deleted posts, and posts held back by moderation, are found by nobody.
  const postEntries = posts.map(post => (post.deleted || post.held
    ? { id: post._id }
    : { id: post._id, document: {
        title: post.title, body: post.body, tags: post.tags, communityId: post.communityId, authorId: post.authorId,
        authorHandle: users.get(post.authorId)?.handle ?? '', kind: post.kind, rootId: post.rootId, visibility: communities.get(post.communityId)?.visibility ?? 'public', createdAt: post.createdAt,
      } }))
  const messageEntries = messages.map(m => (m.deleted ? { id: m._id } : { id: m._id, document: { body: m.body, roomId: m.roomId, authorId: m.authorId, createdAt: m.createdAt } }))
  await Promise.all([
    userEntries.length ? search.bulk(USERS_INDEX, userEntries) : null,
    communityEntries.length ? search.bulk(COMMUNITIES_INDEX, communityEntries) : null,
    postEntries.length ? search.bulk(POSTS_INDEX, postEntries) : null,
    messageEntries.length ? search.bulk(MESSAGES_INDEX, messageEntries) : null,
  ])
  // A community that changed visibility takes its posts' stored visibility with it.
  for (const event of events) if (aggregateOf(event) === 'community') await reindexAfterVisibilityChange({ store, search }, event)
}

export async function indexMessage({ store, search }: Pick<Ports, 'store' | 'search'>, id: string) {
  const message = await store.collection<MessageDoc>('messages').findOne({ _id: id })
  if (!message) return
  if (message.deleted) await search.remove(MESSAGES_INDEX, id)
  else await search.put(MESSAGES_INDEX, id, { body: message.body, roomId: message.roomId, authorId: message.authorId, createdAt: message.createdAt })
}

export async function indexUser({ store, search }: Pick<Ports, 'store' | 'search'>, id: string) {
  const user = await store.collection<{ _id: string, handle: string, displayName: string, bio: string, interests: string[], createdAt: string }>('users').findOne({ _id: id })
  if (user) await search.put(USERS_INDEX, id, { handle: user.handle, displayName: user.displayName, bio: user.bio, interests: user.interests, createdAt: user.createdAt })
}

export async function indexCommunity({ store, search }: Pick<Ports, 'store' | 'search'>, id: string) {
  const c = await store.collection<{ _id: string, slug: string, name: string, description: string, topics: string[], visibility: string, createdAt: string }>('communities').findOne({ _id: id })
  if (c) await search.put(COMMUNITIES_INDEX, id, { slug: c.slug, name: c.name, description: c.description, topics: c.topics, visibility: c.visibility, createdAt: c.createdAt })
}

export async function indexPost({ store, search }: Pick<Ports, 'store' | 'search'>, id: string) {
  const post = await store.collection<PostDoc>('posts').findOne({ _id: id })
  if (!post) return
  // Deleted posts, and posts held back by moderation, are found by nobody.
  if (post.deleted || post.held) {
    await search.remove(POSTS_INDEX, id)
    return
  }
  const [author, community] = await Promise.all([
    store.collection<{ _id: string, handle: string }>('users').findOne({ _id: post.authorId }),
    store.collection<{ _id: string, visibility: string }>('communities').findOne({ _id: post.communityId }),
  ])
  await search.put(POSTS_INDEX, id, {
    title: post.title, body: post.body, tags: post.tags, communityId: post.communityId, authorId: post.authorId,
    authorHandle: author?.handle ?? '', kind: post.kind, rootId: post.rootId, visibility: community?.visibility ?? 'public', createdAt: post.createdAt,
  })
}
