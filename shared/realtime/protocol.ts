import { z } from 'zod'
import { reactionKindSchema, shareCreateSchema } from '../schemas/post'
import { messageBodySchema, roomIdSchema } from '../schemas/chat'
import { idSchema } from '../schemas/common'

/**
 * The websocket protocol, shared by the browser and the server. Every frame is one JSON object
 * with a `type`. Rooms that carry live updates besides chat rooms:
 * `posts:<communityId>` (new posts, replies and counts in a community), `user:<userId>`
 * (a person's own notifications) and `home:<userId>` (new posts for a person's home feed).
 */
export const liveRoomSchema = z.union([
  roomIdSchema,
  z.string().max(80).regex(/^(posts|user|home):[A-Za-z0-9_-]{1,64}$/, 'not a room'),
])
export type LiveRoom = z.infer<typeof liveRoomSchema>

/** Frames larger than this are refused with close code 1009. */
export const MAX_FRAME_BYTES = 16 * 1024

/** An optional client reference, echoed in the ack or error answering the frame. */
const ref = z.string().max(64).optional()

export const clientFrameSchema = z.discriminatedUnion('type', [
  /** `since`: the last sequence number seen in this room, to receive what was missed. */
  z.object({ type: z.literal('subscribe'), room: liveRoomSchema, since: z.number().int().min(0).optional(), ref }).strict(),
  z.object({ type: z.literal('unsubscribe'), room: liveRoomSchema, ref }).strict(),
  z.object({ type: z.literal('send'), room: roomIdSchema, body: messageBodySchema, parentId: idSchema.nullish(), ref }).strict(),
  z.object({ type: z.literal('edit'), messageId: idSchema, body: messageBodySchema, ref }).strict(),
  z.object({ type: z.literal('delete'), messageId: idSchema, ref }).strict(),
  z.object({ type: z.literal('react'), messageId: idSchema, kind: reactionKindSchema, on: z.boolean(), ref }).strict(),
  /** Likes and shares of posts go over the live connection too; REST stays for other clients. */
  z.object({ type: z.literal('react-post'), postId: idSchema, kind: reactionKindSchema, on: z.boolean(), ref }).strict(),
  z.object({ type: z.literal('share-post'), postId: idSchema, target: shareCreateSchema.shape.target, ref }).strict(),
  z.object({ type: z.literal('typing'), room: roomIdSchema }).strict(),
  z.object({ type: z.literal('read'), room: roomIdSchema }).strict(),
  z.object({ type: z.literal('ping') }).strict(),
])
export type ClientFrame = z.infer<typeof clientFrameSchema>

/** What happened, in a room's ordered stream. */
export const LIVE_KINDS = [
  'message.sent', 'message.edited', 'message.deleted', 'message.reacted',
  'post.created', 'post.edited', 'post.deleted', 'post.counts',
  'notification',
] as const
export type LiveKind = typeof LIVE_KINDS[number]

/** One entry of a room's stream: `seq` grows by one per room, `eventId` names the bus event it came from. */
export interface LiveEvent<P = Record<string, unknown>> {
  type: 'event'
  room: string
  seq: number
  eventId: string
  kind: LiveKind
  at: string
  payload: P
}

export type ErrorCode = 'bad_frame' | 'too_big' | 'forbidden' | 'not_found' | 'rate_limited' | 'invalid' | 'conflict' | 'unauthenticated' | 'unavailable'

export type ServerFrame
  = | { type: 'hello', userId: string | null, connectionId: string }
    | { type: 'subscribed', room: string, seq: number, online: string[], ref?: string }
  /** The room's stream no longer holds everything after `since`: reload its history. */
    | { type: 'reset', room: string, seq: number }
    | { type: 'unsubscribed', room: string, ref?: string }
    | LiveEvent
    | { type: 'typing', room: string, userId: string, name: string }
    | { type: 'presence', room: string, online: string[] }
    | { type: 'ack', ref?: string, result: Record<string, unknown> }
  /** `room` names the room an error is about when no frame asked: a subscription revoked. */
    | { type: 'error', code: ErrorCode, message: string, ref?: string, room?: string }
    | { type: 'pong' }

/** Close codes with a reason a person can read. */
export const CLOSE = {
  tooBig: { code: 1009, reason: 'frame too large' },
  flooding: { code: 1008, reason: 'too many frames: slow down' },
  origin: { code: 1008, reason: 'origin not allowed' },
} as const
