/** How chat is stored: current messages, their immutable versions, reactions, conversations, reads. */
export interface MessageDoc {
  _id: string
  roomId: string
  authorId: string
  parentId: string | null
  body: string
  deleted: boolean
  createdAt: string
  updatedAt: string
  version: number
  replyCount: number
  reactionCounts: Record<string, number>
}

/** What a `message.sent` event carries. */
export interface MessageSentData {
  id: string
  roomId: string
  authorId: string
  parentId: string | null
  body: string
  attachments?: string[]
}

/** The message a `message.sent` event makes: stored by the persister, answered by the command at the ack. */
export function messageOfSent(data: MessageSentData, time: string): MessageDoc {
  return { _id: data.id, roomId: data.roomId, authorId: data.authorId, parentId: data.parentId, body: data.body, deleted: false, createdAt: time, updatedAt: time, version: 1, replyCount: 0, reactionCounts: {} }
}

export interface MessageVersionDoc {
  _id: string
  messageId: string
  roomId: string
  at: string
  body: string
  deleted: boolean
  editorId: string
}

export interface MessageReactionDoc { _id: string, messageId: string, roomId: string, userId: string, kind: string, at: string }

/** A direct conversation: who is in it, fixed when it starts. */
export interface ConversationDoc { _id: string, participantIds: string[], startedBy: string, createdAt: string }

/** The last message of each room, for listing rooms by activity. */
export interface RoomActivityDoc { _id: string, lastMessageAt: string, lastMessageId: string }

/** When a person last read a room: their own bookkeeping, written directly like notification reads. */
export interface RoomReadDoc { _id: string, roomId: string, userId: string, at: string }

export const reactionId = (messageId: string, userId: string, kind: string) => `${messageId}:${userId}:${kind}`
export const readId = (roomId: string, userId: string) => `${roomId}|${userId}`
