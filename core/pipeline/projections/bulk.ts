import type { DocumentStore } from '../../ports'
import type { CloudEvent } from '../../../shared/schemas/events'
import { type PostCreatedData, type PostDoc, type PostVersionDoc, postOfCreated } from '../../domain/posts-model'
import type { MessageDoc, MessageSentData, MessageVersionDoc, RoomActivityDoc } from '../../domain/chat-model'
import { messageOfSent } from '../../domain/chat-model'
import { recountMany } from './post-writes'
import { recountMessage } from './messages'
import { attachMedia, attachMediaToMessage } from './media'
import { sequenceOf } from './types'

/**
 * The events that arrive by the thousand and that nothing can reject once the command accepted
 * them: a run of them is applied with one unordered insert per collection and one counter update
 * per post it touched, instead of a few round trips each, and no read. Their effects are the same
 * as the one-by-one projections', and as idempotent: inserts skip what a redelivery finds already
 * there, and the posts it touches are then counted afresh.
 */
export const BULK_TYPES = new Set(['c18n.post.created', 'c18n.reaction.added', 'c18n.share.created', 'c18n.message.sent'])

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEvent = CloudEvent<Record<string, any>>

interface ReactionDoc { _id: string, postId: string, communityId: string, userId: string, kind: string, at: string }
interface ShareDoc { _id: string, postId: string, communityId: string, userId: string, target: unknown, at: string }

/** Per document, what to add to its counters, or that it is to be counted afresh. */
class Counters {
  private readonly adding = new Map<string, Record<string, number>>()
  readonly recounts = new Set<string>()

  add(id: string, field: string, isNew: boolean) {
    if (!isNew) {
      this.recounts.add(id)
      return
    }
    const inc = this.adding.get(id) ?? {}
    inc[field] = (inc[field] ?? 0) + 1
    this.adding.set(id, inc)
  }

  /** The increments of documents not counted afresh (a recount already includes them). */
  increments() {
    return [...this.adding].filter(([id]) => !this.recounts.has(id)).map(([_id, inc]) => ({ _id, inc }))
  }
}

/** Applies a run of BULK_TYPES events, in one go; returns the documents they produced, by event id. */
export async function applyBulk(store: DocumentStore, events: AnyEvent[]): Promise<Map<string, Record<string, unknown>>> {
  const produced = new Map<string, Record<string, unknown>>()
  const postVersions: PostVersionDoc[] = []
  const newPosts: PostDoc[] = []
  const approvals: Array<{ _id: string }> = []
  const reactions: ReactionDoc[] = []
  const shares: ShareDoc[] = []
  const messageVersions: MessageVersionDoc[] = []
  const newMessages: MessageDoc[] = []
  const eventIdOf = new Map<string, string>()
  const activity = new Map<string, RoomActivityDoc>()
  const attaching: Array<{ ids: string[], post: { id: string, communityId: string, authorId: string } }> = []
  const attachingToMessages: Array<{ ids: string[], message: { id: string, roomId: string, authorId: string } }> = []

  for (const event of events) {
    const { id, data, time } = event
    if (event.type === 'c18n.post.created') {
      const post = postOfCreated(data as PostCreatedData, time)
      const moderation = post.moderation!
      postVersions.push({ _id: id, postId: data.id, at: time, communityId: data.communityId, authorId: data.authorId, parentId: data.parentId, rootId: data.rootId, kind: post.kind, title: data.title, body: data.body, tags: data.tags, deleted: false, editorId: data.authorId, moderation })
      if (data.attachments?.length) attaching.push({ ids: data.attachments, post: { id: data.id, communityId: data.communityId, authorId: data.authorId } })
      newPosts.push(post)
      eventIdOf.set(post._id, id)
      if (moderation === 'pending') approvals.push({ _id: data.id, communityId: data.communityId, kind: 'approval', open: true, reasons: [], openedAt: time, seq: sequenceOf(event) } as never)
    }
    else if (event.type === 'c18n.reaction.added') {
      reactions.push({ _id: `${data.postId}:${data.userId}:${data.kind}`, postId: data.postId, communityId: data.communityId, userId: data.userId, kind: data.kind, at: time })
    }
    else if (event.type === 'c18n.share.created') {
      shares.push({ _id: data.id, postId: data.postId, communityId: data.communityId, userId: data.userId, target: data.target, at: time })
    }
    else if (event.type === 'c18n.message.sent') {
      messageVersions.push({ _id: id, messageId: data.id, roomId: data.roomId, at: time, body: data.body, deleted: false, editorId: data.authorId })
      const message = messageOfSent(data as MessageSentData, time)
      eventIdOf.set(message._id, id)
      newMessages.push(message)
      if (data.attachments?.length) attachingToMessages.push({ ids: data.attachments, message: { id: data.id, roomId: data.roomId, authorId: data.authorId } })
      const known = activity.get(data.roomId)
      if (!known || known.lastMessageAt <= time) activity.set(data.roomId, { _id: data.roomId, lastMessageAt: time, lastMessageId: data.id })
    }
    else throw new Error(`${event.type} is not applied in bulk`)
  }

  // Versions before the current documents, as one by one: the versions are the facts.
  const [, , newReactions, newShares] = await Promise.all([
    store.collection<PostVersionDoc>('post_versions').insertMissing(postVersions),
    store.collection<MessageVersionDoc>('message_versions').insertMissing(messageVersions),
    store.collection<ReactionDoc>('reactions').insertMissing(reactions),
    store.collection<ShareDoc>('shares').insertMissing(shares),
  ])
  const [insertedPosts, insertedMessages] = await Promise.all([
    store.collection<PostDoc>('posts').insertMissing(newPosts),
    store.collection<MessageDoc>('messages').insertMissing(newMessages),
    store.collection('moderation_queue').insertMissing(approvals),
  ])
  // After the posts exist: a reader finds the file on its post or not at all.
  await Promise.all([...attaching.map(a => attachMedia(store, a.ids, a.post)), ...attachingToMessages.map(a => attachMediaToMessage(store, a.ids, a.message))])

  // Counters: what this batch inserted adds one. A document that was already there means the
  // event came again (a crash or a retry after its insert): whether its count was added then is
  // unknown, so that post is counted afresh from the documents, which is right either way.
  const postCounts = new Counters()
  const messageCounts = new Counters()
  const isNew = { reactions: new Set(newReactions), shares: new Set(newShares), posts: new Set(insertedPosts), messages: new Set(insertedMessages) }
  for (const r of reactions) postCounts.add(r.postId, `reactionCounts.${r.kind}`, isNew.reactions.has(r._id))
  for (const s of shares) postCounts.add(s.postId, 'shareCount', isNew.shares.has(s._id))
  for (const post of newPosts) {
    if (isNew.posts.has(post._id)) produced.set(eventIdOf.get(post._id)!, { ...post })
    if (!post.parentId) continue
    // A thread counts all its replies, a reply its direct ones.
    postCounts.add(post.rootId, 'replyCount', isNew.posts.has(post._id))
    if (post.parentId !== post.rootId) postCounts.add(post.parentId, 'replyCount', isNew.posts.has(post._id))
  }
  for (const message of newMessages) {
    if (isNew.messages.has(message._id)) produced.set(eventIdOf.get(message._id)!, { ...message })
    if (message.parentId) messageCounts.add(message.parentId, 'replyCount', isNew.messages.has(message._id))
  }
  await Promise.all([
    store.collection<PostDoc>('posts').incrementMany(postCounts.increments()),
    store.collection<MessageDoc>('messages').incrementMany(messageCounts.increments()),
    recountMany(store, postCounts.recounts),
    ...[...messageCounts.recounts].map(id => recountMessage(store, id)),
  ])
  if (activity.size) {
    const rooms = store.collection<RoomActivityDoc>('room_activity')
    const current = new Map((await rooms.find({ _id: { $in: [...activity.keys()] } })).map(r => [r._id, r]))
    await rooms.replaceMany([...activity.values()].filter(a => !current.has(a._id) || current.get(a._id)!.lastMessageAt <= a.lastMessageAt))
  }
  return produced
}
