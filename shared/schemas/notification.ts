import { z } from 'zod'
import { userSummarySchema } from './user'

export const notificationTypeSchema = z.enum(['new_post', 'reply', 'reaction', 'mention', 'share', 'moderation', 'decision', 'follow'])

export const notificationSchema = z.object({
  id: z.string(),
  type: notificationTypeSchema,
  actor: userSummarySchema.nullable(),
  postId: z.string(),
  rootId: z.string(),
  communitySlug: z.string(),
  text: z.string(),
  read: z.boolean(),
  createdAt: z.string(),
})
export type Notification = z.infer<typeof notificationSchema>

export const unreadCountSchema = z.object({ unread: z.number().int() })
export const markReadSchema = z.object({ ids: z.array(z.string().max(200)).max(200).optional(), all: z.boolean().optional() }).strict()
  .refine(body => body.ids?.length || body.all, { message: 'name the notifications (ids) or say all: true' })
export const muteSchema = z.object({ muted: z.boolean() }).strict()
