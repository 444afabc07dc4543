import type { Ports } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import type { LiveKind } from '../../shared/realtime/protocol'
import type { PostDoc } from '../domain/posts-model'
import { renderMarkdown } from '../content/markdown'
import { LiveLog } from '../realtime/live-log'
import type { MediaDoc } from '../media/model'
import { viewOf } from '../media/service'

type UserSummary = { id: string, handle: string, displayName: string, avatarUrl: string | null }

type Entry = { room: string, eventId: string, kind: LiveKind, at: string, payload: Record<string, unknown> }

/** Finds people by id: the domain's, which keeps those read lately in the process. */
export type PeopleLookup = (ids: string[]) => Promise<Map<string, UserSummary>>

/** Names looked up once per batch, whoever appears in it several times. */
function summaries(store: Ports['store'], people?: PeopleLookup) {
  const known = new Map<string, Promise<UserSummary>>()
  const unknown = (userId: string): UserSummary => ({ id: userId, handle: 'unknown', displayName: 'Unknown user', avatarUrl: null })
  const load = (userId: string): Promise<UserSummary> => (people
    ? people([userId]).then(found => found.get(userId) ?? unknown(userId))
    : store.collection<{ _id: string, handle: string, displayName: string, avatarUrl: string | null }>('users').findOne({ _id: userId })
        .then(user => (user ? { id: user._id, handle: user.handle, displayName: user.displayName, avatarUrl: user.avatarUrl } : unknown(userId))))
  return (userId: string) => {
    if (!known.has(userId)) known.set(userId, load(userId))
    return known.get(userId)!
  }
}

/** The files a message was sent with, as they stand now (the worker may still be at them). */
async function attachmentsOf(ports: Pick<Ports, 'store'>, ids: string[]) {
  const docs = new Map((await ports.store.collection<MediaDoc>('media').find({ _id: { $in: ids } })).map(d => [d._id, d]))
  return ids.flatMap(id => (docs.has(id) ? [viewOf(docs.get(id)!)] : []))
}

/** A batch of events onto the rooms' live streams, appended together (three cache round trips). */
export async function broadcastEvents(ports: Pick<Ports, 'store' | 'cache'>, events: CloudEvent[], people?: PeopleLookup) {
  const summaryOf = summaries(ports.store, people)
  const entries: Entry[] = []
  for (const event of events) {
    const entry = await entryOf(ports, event, summaryOf)
    if (entry) entries.push(entry)
  }
  return new LiveLog(ports.cache).appendMany(entries)
}

export async function broadcastEvent(ports: Pick<Ports, 'store' | 'cache'>, event: CloudEvent) {
  return (await broadcastEvents(ports, [event]))[0] ?? null
}

/**
 * The live consumer: turns bus events into each room's ordered live stream. Chat messages come
 * straight from their topic, so they do not wait for the persister; post changes come from the
 * applied stream (pages answer them by reading the post, which by then is stored).
 */
async function entryOf(ports: Pick<Ports, 'store' | 'cache'>, event: CloudEvent, summaryOf: (userId: string) => Promise<UserSummary>): Promise<Entry | null> {
  const data = event.data as Record<string, unknown>
  const push = (room: string, kind: LiveKind, payload: Record<string, unknown>): Entry => ({ room, eventId: event.id, kind, at: event.time, payload })
  switch (event.type) {
    case 'c18n.message.sent': {
      const body = String(data.body)
      const message = {
        id: data.id, roomId: data.roomId, parentId: data.parentId ?? null, author: await summaryOf(String(data.authorId)), body, bodyHtml: renderMarkdown(body),
        createdAt: event.time, updatedAt: event.time, version: 1, deleted: false, replyCount: 0, reactionCounts: {}, myReactions: [],
        ...(Array.isArray(data.attachments) && data.attachments.length ? { attachments: await attachmentsOf(ports, data.attachments.map(String)) } : {}),
      }
      return push(String(data.roomId), 'message.sent', { message })
    }
    case 'c18n.message.edited':
      return push(String(data.roomId), 'message.edited', { id: data.id, body: data.body, bodyHtml: renderMarkdown(String(data.body)), updatedAt: event.time })
    case 'c18n.message.deleted':
      return push(String(data.roomId), 'message.deleted', { id: data.id })
    case 'c18n.message.reacted':
      return push(String(data.roomId), 'message.reacted', { id: data.id, kind: data.kind, userId: data.userId, on: data.on })
    case 'c18n.post.created':
      // A post awaiting approval is news to nobody but the moderators: it goes live once approved.
      if (data.moderation === 'pending') return null
      // The post as a page shows it, with its standing: the page need not read it back.
      return push(`posts:${String(data.communityId)}`, 'post.created', {
        id: data.id, parentId: data.parentId, rootId: data.rootId, title: data.title, author: await summaryOf(String(data.authorId)), createdAt: event.time,
        communityId: data.communityId, kind: data.parentId ? 'reply' : 'post', body: data.body, tags: data.tags, moderation: 'published',
      })
    case 'c18n.post.approved':
    case 'c18n.flag.dismissed':
    case 'c18n.post.flagged':
    case 'c18n.post.rejected':
    case 'c18n.post.removed': {
      // Moderation shows a post (approved, flag dismissed) or takes it away (hidden, removed).
      const post = await ports.store.collection<PostDoc>('posts').findOne({ _id: String(data.id) })
      if (!post) return null
      if (post.held || post.deleted) return push(`posts:${post.communityId}`, 'post.deleted', { id: post._id, rootId: post.rootId, parentId: post.parentId })
      if (event.type !== 'c18n.post.approved' && event.type !== 'c18n.flag.dismissed') return null
      return push(`posts:${post.communityId}`, 'post.created', {
        id: post._id, parentId: post.parentId, rootId: post.rootId, title: post.title, author: await summaryOf(post.authorId), createdAt: post.createdAt,
        communityId: post.communityId, kind: post.kind, body: post.body, tags: post.tags, moderation: post.moderation ?? 'published',
      })
    }
    case 'c18n.post.edited':
    case 'c18n.post.deleted': {
      const post = await ports.store.collection<PostDoc>('posts').findOne({ _id: String(data.id) })
      if (!post || post.held) return null
      const deleted = event.type === 'c18n.post.deleted'
      return push(`posts:${post.communityId}`, deleted ? 'post.deleted' : 'post.edited', { id: post._id, rootId: post.rootId, parentId: post.parentId, ...(deleted ? {} : { title: data.title }) })
    }
    case 'c18n.media.processed':
    case 'c18n.media.rejected': {
      // A file's renditions are ready (or refused): the post it is on changes, its readers fetch it again.
      const media = await ports.store.collection<{ _id: string, postId: string | null }>('media').findOne({ _id: String(data.id) })
      const post = media?.postId ? await ports.store.collection<PostDoc>('posts').findOne({ _id: media.postId }) : null
      if (!post || post.held || post.deleted) return null
      return push(`posts:${post.communityId}`, 'post.edited', { id: post._id, rootId: post.rootId, parentId: post.parentId, title: post.title, media: data.id })
    }
    case 'c18n.reaction.added':
    case 'c18n.reaction.removed':
      return push(`posts:${String(data.communityId)}`, 'post.counts', { id: data.postId, reaction: data.kind, delta: event.type === 'c18n.reaction.added' ? 1 : -1, userId: data.userId })
    case 'c18n.share.created':
      return push(`posts:${String(data.communityId)}`, 'post.counts', { id: data.postId, shares: 1, userId: data.userId })
    default:
      return null
  }
}
