import type { Ports } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import { COMMUNITIES_INDEX } from '../domain/communities'
import type { PostDoc } from '../domain/posts-model'
import { USERS_INDEX } from '../domain/users'
import { MESSAGES_INDEX } from '../domain/chat'
import type { MessageDoc } from '../domain/chat-model'
import { persisted } from './wait'
import { reindexAfterVisibilityChange } from './visibility'

export const POSTS_INDEX = 'posts'

export const POSTS_MAPPING = {
  title: 'text', body: 'text', tags: 'keyword', communityId: 'keyword', authorId: 'keyword', authorHandle: 'keyword',
  kind: 'keyword', rootId: 'keyword', visibility: 'keyword', createdAt: 'date',
} as const

/** Indexes the current state of what an event touched: users, communities, posts and replies. */
export async function indexEvent(ports: Pick<Ports, 'store' | 'search'>, event: CloudEvent) {
  const record = await persisted(ports.store, event.id)
  if (record.status !== 'applied') return
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
