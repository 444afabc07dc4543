import { attachmentIdsSchema, attachmentSchema } from './media'
import { z } from 'zod'
import { idSchema } from './common'
import { reactionKindSchema } from './post'
import { userSummarySchema } from './user'

/**
 * A chat room: a community's or a user group's room, or a direct conversation. The kind comes
 * first so a room id says whose rules apply to it: `community:<id>`, `group:<id>`, `direct:<id>`.
 */
export const ROOM_KINDS = ['community', 'group', 'direct'] as const
export type RoomKind = typeof ROOM_KINDS[number]
export const roomIdSchema = z.string().max(80).regex(/^(community|group|direct):[A-Za-z0-9_-]{1,64}$/, 'not a room: use community:<id>, group:<id> or direct:<id>')
export const roomParamsSchema = z.object({ roomId: roomIdSchema })
export const messageParamsSchema = z.object({ id: idSchema })
export const messageReactionParamsSchema = z.object({ id: idSchema, kind: reactionKindSchema })

export const MESSAGE_MAX = 4000
export const messageBodySchema = z.string().trim().min(1, 'write something first').max(MESSAGE_MAX, `at most ${MESSAGE_MAX} characters`)
export const messageSendSchema = z.object({ body: messageBodySchema, parentId: idSchema.nullish(), attachments: attachmentIdsSchema.optional() }).strict()
export const messageEditSchema = z.object({ body: messageBodySchema }).strict()
export const messageReactSchema = z.object({ kind: reactionKindSchema }).strict()
/** A direct conversation with one to seven other people. */
export const directStartSchema = z.object({ handles: z.array(z.string().trim().min(1).max(40)).min(1, 'choose someone to talk to').max(7, 'at most 7 other people') }).strict()

export const messageSchema = z.object({
  id: z.string(),
  roomId: z.string(),
  parentId: z.string().nullable(),
  author: userSummarySchema,
  body: z.string(),
  /** Markdown rendered with raw HTML off: safe to insert. */
  bodyHtml: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  deleted: z.boolean(),
  replyCount: z.number().int(),
  reactionCounts: z.record(z.string(), z.number().int()),
  myReactions: z.array(reactionKindSchema),
  /** Files sent with it, when there are any; none once it is deleted. */
  attachments: z.array(attachmentSchema).optional(),
})
export type Message = z.infer<typeof messageSchema>

export const roomSchema = z.object({
  id: z.string(),
  kind: z.enum(ROOM_KINDS),
  title: z.string(),
  /** Where the room's owner lives in the app: the community, the group, or nothing for a conversation. */
  href: z.string().nullable(),
  participants: z.array(userSummarySchema),
  canWrite: z.boolean(),
  /** May delete anyone's message here. */
  canModerate: z.boolean(),
  unread: z.number().int(),
  lastMessageAt: z.string().nullable(),
})
export type Room = z.infer<typeof roomSchema>

export const messageSearchQuerySchema = z.object({
  q: z.string().trim().min(1, 'type something to search for').max(100),
  roomId: roomIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})
export const messageSearchHitSchema = z.object({ message: messageSchema, roomTitle: z.string(), highlights: z.array(z.string()) })
