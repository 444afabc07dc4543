import type { DocumentStore } from '../../ports'
import { DuplicateKeyError } from '../../ports'
import { REACTION_KINDS } from '../../../shared/schemas/events'
import type { ConversationDoc, MessageDoc, MessageReactionDoc, MessageVersionDoc, RoomActivityDoc, MessageSentData } from '../../domain/chat-model'
import { messageOfSent, reactionId } from '../../domain/chat-model'
import type { Projection } from './types'
import { applied, rejected } from './types'
import { attachMediaToMessage } from './media'

const messages = (store: DocumentStore) => store.collection<MessageDoc>('messages')
const versions = (store: DocumentStore) => store.collection<MessageVersionDoc>('message_versions')

async function insertOnce<T extends { _id: string }>(store: DocumentStore, collection: string, doc: T) {
  await store.collection<T>(collection).insertOne(doc).catch((error) => {
    if (!(error instanceof DuplicateKeyError)) throw error
  })
}

/** The current message is the latest of its versions; counts are recounted from the facts. */
async function materialise(store: DocumentStore, messageId: string) {
  const current = await messages(store).findOne({ _id: messageId })
  const all = await versions(store).find({ messageId }, { sort: { at: 1, _id: 1 } })
  const latest = all.at(-1)
  if (!current || !latest) return
  await messages(store).updateOne({ _id: messageId }, { $set: { body: latest.deleted ? '' : latest.body, deleted: latest.deleted, updatedAt: latest.at, version: all.length } })
}

export async function recountMessage(store: DocumentStore, messageId: string) {
  const reactionCounts: Record<string, number> = {}
  for (const kind of REACTION_KINDS) {
    const n = await store.collection('message_reactions').count({ messageId, kind })
    if (n) reactionCounts[kind] = n
  }
  await messages(store).updateOne({ _id: messageId }, { $set: { reactionCounts, replyCount: await messages(store).count({ parentId: messageId, deleted: false }) } })
}

/** Chat messages: sent, edited (a new version), deleted (a tombstone version), reacted to. */
export const messageProjections: Record<string, Projection> = {
  'c18n.message.sent': async ({ id, data, time }, store) => {
    await insertOnce<MessageVersionDoc>(store, 'message_versions', { _id: id, messageId: data.id, roomId: data.roomId, at: time, body: data.body, deleted: false, editorId: data.authorId })
    await insertOnce<MessageDoc>(store, 'messages', messageOfSent(data as MessageSentData, time))
    if (data.attachments?.length) await attachMediaToMessage(store, data.attachments, { id: data.id, roomId: data.roomId, authorId: data.authorId })
    if (data.parentId) await recountMessage(store, data.parentId)
    const activity = store.collection<RoomActivityDoc>('room_activity')
    const known = await activity.findOne({ _id: data.roomId })
    if (!known || known.lastMessageAt <= time) await activity.replaceOne({ _id: data.roomId, lastMessageAt: time, lastMessageId: data.id })
    return applied
  },
  'c18n.message.edited': async ({ id, data, time, actorid }, store) => {
    const current = await messages(store).findOne({ _id: data.id })
    if (!current) return rejected('The message does not exist')
    await insertOnce<MessageVersionDoc>(store, 'message_versions', { _id: id, messageId: data.id, roomId: current.roomId, at: time, body: data.body, deleted: false, editorId: actorid ?? current.authorId })
    await materialise(store, data.id)
    return applied
  },
  'c18n.message.deleted': async ({ id, data, time, actorid }, store) => {
    const current = await messages(store).findOne({ _id: data.id })
    if (!current) return rejected('The message does not exist')
    await insertOnce<MessageVersionDoc>(store, 'message_versions', { _id: id, messageId: data.id, roomId: current.roomId, at: time, body: '', deleted: true, editorId: actorid ?? current.authorId })
    await materialise(store, data.id)
    if (current.parentId) await recountMessage(store, current.parentId)
    return applied
  },
  'c18n.message.reacted': async ({ data, time }, store) => {
    if (!(await messages(store).findOne({ _id: data.id }))) return rejected('The message does not exist')
    const _id = reactionId(data.id, data.userId, data.kind)
    if (data.on) await insertOnce<MessageReactionDoc>(store, 'message_reactions', { _id, messageId: data.id, roomId: data.roomId, userId: data.userId, kind: data.kind, at: time })
    else await store.collection('message_reactions').deleteOne({ _id })
    await recountMessage(store, data.id)
    return applied
  },
  'c18n.conversation.started': async ({ data, time, actorid }, store) => {
    await insertOnce<ConversationDoc>(store, 'conversations', { _id: data.id, participantIds: [...data.participantIds].sort(), startedBy: actorid ?? data.participantIds[0], createdAt: time })
    return applied
  },
}
