import type { DocumentStore } from '../../ports'
import type { CloudEvent } from '../../../shared/schemas/events'
import { type PostDoc, type PostVersionDoc, isHeld } from '../../domain/posts-model'
import type { MessageDoc, MessageVersionDoc, RoomActivityDoc } from '../../domain/chat-model'
import { recountMany } from './post-writes'
import { recountMessage } from './messages'
import { attachMedia, attachMediaToMessage } from './media'
import { sequenceOf } from './types'

/**
 * The events that arrive by the thousand and that nothing can reject once the command accepted
 * them: a run of them is applied with one unordered insert per collection and one recount per
 * post it touched, instead of a few round trips each. Their effects are the same as the one-by-one
 * projections' (and as idempotent: inserts skip what a redelivery finds already there).
 */
export const BULK_TYPES = new Set(['c18n.post.created', 'c18n.reaction.added', 'c18n.share.created', 'c18n.message.sent'])

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEvent = CloudEvent<Record<string, any>>

/** Applies a run of BULK_TYPES events, in one go; returns the documents they produced, by event id. */
export async function applyBulk(store: DocumentStore, events: AnyEvent[]): Promise<Map<string, Record<string, unknown>>> {
  const produced = new Map<string, Record<string, unknown>>()
  const postVersions: PostVersionDoc[] = []
  const newPosts: PostDoc[] = []
  const approvals: Array<{ _id: string }> = []
  const reactions: Array<{ _id: string }> = []
  const shares: Array<{ _id: string }> = []
  const messageVersions: MessageVersionDoc[] = []
  const newMessages: MessageDoc[] = []
  const recountPosts = new Set<string>()
  const recountMessages = new Set<string>()
  const activity = new Map<string, RoomActivityDoc>()
  const attaching: Array<{ ids: string[], post: { id: string, communityId: string, authorId: string } }> = []
  const attachingToMessages: Array<{ ids: string[], message: { id: string, roomId: string, authorId: string } }> = []

  for (const event of events) {
    const { id, data, time } = event
    if (event.type === 'c18n.post.created') {
      const moderation = data.moderation === 'pending' ? 'pending' : 'published'
      const kind = data.parentId ? 'reply' : 'post'
      postVersions.push({ _id: id, postId: data.id, at: time, communityId: data.communityId, authorId: data.authorId, parentId: data.parentId, rootId: data.rootId, kind, title: data.title, body: data.body, tags: data.tags, deleted: false, editorId: data.authorId, moderation })
      const post: PostDoc = {
        _id: data.id, communityId: data.communityId, authorId: data.authorId, parentId: data.parentId, rootId: data.rootId, kind,
        title: data.title, body: data.body, tags: data.tags, deleted: false, createdAt: time, updatedAt: time, version: 1, replyCount: 0, reactionCounts: {}, shareCount: 0,
        moderation, held: isHeld(moderation), attachments: data.attachments ?? [],
      }
      if (data.attachments?.length) attaching.push({ ids: data.attachments, post: { id: data.id, communityId: data.communityId, authorId: data.authorId } })
      newPosts.push(post)
      produced.set(id, { ...post })
      if (moderation === 'pending') approvals.push({ _id: data.id, communityId: data.communityId, kind: 'approval', open: true, reasons: [], openedAt: time, seq: sequenceOf(event) } as never)
      if (data.parentId) {
        recountPosts.add(data.parentId)
        recountPosts.add(data.rootId)
      }
    }
    else if (event.type === 'c18n.reaction.added') {
      reactions.push({ _id: `${data.postId}:${data.userId}:${data.kind}`, postId: data.postId, communityId: data.communityId, userId: data.userId, kind: data.kind, at: time } as never)
      recountPosts.add(data.postId)
    }
    else if (event.type === 'c18n.share.created') {
      shares.push({ _id: data.id, postId: data.postId, communityId: data.communityId, userId: data.userId, target: data.target, at: time } as never)
      recountPosts.add(data.postId)
    }
    else if (event.type === 'c18n.message.sent') {
      messageVersions.push({ _id: id, messageId: data.id, roomId: data.roomId, at: time, body: data.body, deleted: false, editorId: data.authorId })
      const message: MessageDoc = { _id: data.id, roomId: data.roomId, authorId: data.authorId, parentId: data.parentId, body: data.body, deleted: false, createdAt: time, updatedAt: time, version: 1, replyCount: 0, reactionCounts: {} }
      newMessages.push(message)
      produced.set(id, { ...message })
      if (data.attachments?.length) attachingToMessages.push({ ids: data.attachments, message: { id: data.id, roomId: data.roomId, authorId: data.authorId } })
      if (data.parentId) recountMessages.add(data.parentId)
      const known = activity.get(data.roomId)
      if (!known || known.lastMessageAt <= time) activity.set(data.roomId, { _id: data.roomId, lastMessageAt: time, lastMessageId: data.id })
    }
    else throw new Error(`${event.type} is not applied in bulk`)
  }

  // Versions before the current documents, as one by one: the versions are the facts.
  await Promise.all([
    store.collection<PostVersionDoc>('post_versions').insertMissing(postVersions),
    store.collection<MessageVersionDoc>('message_versions').insertMissing(messageVersions),
    store.collection('reactions').insertMissing(reactions),
    store.collection('shares').insertMissing(shares),
  ])
  await Promise.all([
    store.collection<PostDoc>('posts').insertMissing(newPosts),
    store.collection<MessageDoc>('messages').insertMissing(newMessages),
    store.collection('moderation_queue').insertMissing(approvals),
  ])
  // After the posts exist: a reader finds the file on its post or not at all.
  await Promise.all([...attaching.map(a => attachMedia(store, a.ids, a.post)), ...attachingToMessages.map(a => attachMediaToMessage(store, a.ids, a.message))])
  await recountMany(store, recountPosts)
  for (const id of recountMessages) await recountMessage(store, id)
  if (activity.size) {
    const rooms = store.collection<RoomActivityDoc>('room_activity')
    const current = new Map((await rooms.find({ _id: { $in: [...activity.keys()] } })).map(r => [r._id, r]))
    await rooms.replaceMany([...activity.values()].filter(a => !current.has(a._id) || current.get(a._id)!.lastMessageAt <= a.lastMessageAt))
  }
  return produced
}
