import { z } from 'zod'
import { idSchema } from './common'
import { postSchema } from './post'
import { userSummarySchema } from './user'

export { MODERATION_STATES, type ModerationState, moderationStateSchema } from './post'

export const FLAG_SOURCES = ['content', 'reactions', 'report'] as const
export type FlagSource = typeof FLAG_SOURCES[number]

/** What happens to a flagged item: hidden from members until a moderator decides, or left up and queued. */
export const flaggedActionSchema = z.enum(['hide', 'queue'])

const listedWord = z.string().trim().toLowerCase().min(2, 'must be at least 2 characters').max(40, 'must be at most 40 characters')
  .regex(/^[a-z0-9]+(?: [a-z0-9]+)*$/, 'use letters, digits and single spaces')

export const moderationSettingsSchema = z.object({
  /** Words that flag a post or message, besides the built-in profanity list. */
  wordList: z.array(listedWord).max(200, 'at most 200 words'),
  flaggedAction: flaggedActionSchema,
  /** This many "report" reactions flag a post. */
  reportThreshold: z.number().int().min(1).max(1000),
  /** Within the window, at least negativeMinimum negative reactions at negativeRatio times the positive ones flag a post. */
  negativeRatio: z.number().min(1).max(100),
  negativeMinimum: z.number().int().min(1).max(1000),
  windowMinutes: z.number().int().min(1).max(7 * 24 * 60),
}).strict()
export type ModerationSettings = z.infer<typeof moderationSettingsSchema>

export const DEFAULT_MODERATION_SETTINGS: ModerationSettings = {
  wordList: [], flaggedAction: 'hide', reportThreshold: 3, negativeRatio: 3, negativeMinimum: 5, windowMinutes: 60,
}
export const moderationSettingsUpdateSchema = moderationSettingsSchema.partial().strict()

export const flagReasonSchema = z.object({
  source: z.enum(FLAG_SOURCES),
  detail: z.string(),
  at: z.string(),
  reporter: userSummarySchema.nullable(),
})

/** One post waiting for a moderator: a new post to approve, or a flagged one to judge. */
export const queueItemSchema = z.object({
  kind: z.enum(['approval', 'flag']),
  post: postSchema,
  reasons: z.array(flagReasonSchema),
  openedAt: z.string(),
})
export type QueueItem = z.infer<typeof queueItemSchema>

const reason = z.string().trim().min(3, 'must be at least 3 characters').max(500, 'must be at most 500 characters')
export const decisionReasonSchema = z.object({ reason }).strict()
export const optionalNoteSchema = z.object({ note: z.string().trim().max(500, 'must be at most 500 characters').optional() }).strict()
export const reportCreateSchema = z.object({ reason }).strict()

export const banCreateSchema = z.object({
  userId: idSchema,
  /** mute: may read but not post, reply or react; ban: that, and may not join again while it lasts. */
  mode: z.enum(['mute', 'ban']),
  /** How long; null is permanent. */
  hours: z.number().int().min(1).max(24 * 365).nullable(),
  reason,
}).strict()
export const banSchema = z.object({
  communityId: z.string(), userId: z.string(), mode: z.enum(['mute', 'ban']), until: z.string().nullable(), reason: z.string(), at: z.string(),
})
export type Ban = z.infer<typeof banSchema>

/** A ban or mute as the moderators' list shows it: on whom, by whom, and whether it is still in force. */
export const banEntrySchema = banSchema.extend({
  user: userSummarySchema,
  by: userSummarySchema.nullable(),
  active: z.boolean(),
})
export type BanEntry = z.infer<typeof banEntrySchema>
export const banLiftSchema = z.object({ reason: reason.optional() }).strict()
