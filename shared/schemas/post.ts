import { z } from 'zod'
import { REACTION_KINDS } from './events'
import { cursorSchema, idSchema, slugSchema, tagSchema } from './common'
import { userSummarySchema } from './user'
import { attachmentIdsSchema, attachmentSchema } from './media'

export const reactionKindSchema = z.enum(REACTION_KINDS)

/** Where a post stands with the moderators; only `published` posts are shown to everyone. */
export const MODERATION_STATES = ['published', 'pending', 'rejected', 'hidden', 'removed'] as const
export const moderationStateSchema = z.enum(MODERATION_STATES)
export type ModerationState = z.infer<typeof moderationStateSchema>

export const postSchema = z.object({
  id: z.string(),
  communityId: z.string(),
  communitySlug: z.string(),
  kind: z.enum(['post', 'reply']),
  parentId: z.string().nullable(),
  rootId: z.string(),
  title: z.string(),
  /** The markdown as written, for editing. */
  body: z.string(),
  /** The markdown rendered to HTML with raw HTML disabled and links checked: safe to insert. */
  bodyHtml: z.string(),
  tags: z.array(z.string()),
  author: userSummarySchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
  deleted: z.boolean(),
  replyCount: z.number().int(),
  reactionCounts: z.record(z.string(), z.number().int()),
  shareCount: z.number().int(),
  myReactions: z.array(reactionKindSchema),
  /** Seen by others only when published; its author and the moderators see the other states too. */
  moderation: moderationStateSchema,
  /** Files attached when it was written, in their order; none once it is deleted. */
  attachments: z.array(attachmentSchema),
})
export type Post = z.infer<typeof postSchema>

export const postVersionSchema = z.object({
  version: z.number().int(),
  at: z.string(),
  title: z.string(),
  body: z.string(),
  bodyHtml: z.string(),
  tags: z.array(z.string()),
  deleted: z.boolean(),
  editor: userSummarySchema.nullable(),
  moderation: moderationStateSchema,
  /** Why a moderator or the flagger made this version, when one did. */
  reason: z.string().nullable(),
})
export type PostVersion = z.infer<typeof postVersionSchema>

const title = z.string().trim().min(3, 'must be at least 3 characters').max(200, 'must be at most 200 characters')
export const POST_BODY_MAX = 20_000
const body = z.string().trim().min(1, 'must not be empty').max(POST_BODY_MAX, 'must be at most 20,000 characters')
const tags = z.array(tagSchema).max(8, 'at most 8 tags')

export const postCreateSchema = z.object({ title, body, tags: tags.default([]), attachments: attachmentIdsSchema.default([]) }).strict()
export const postEditSchema = z.object({ title: title.optional(), body: body.optional(), tags: tags.optional() }).strict()
export const replyCreateSchema = z.object({ body: z.string().trim().min(1, 'must not be empty').max(10_000, 'must be at most 10,000 characters'), attachments: attachmentIdsSchema.default([]) }).strict()
export const reactionCreateSchema = z.object({ kind: reactionKindSchema }).strict()
export const shareCreateSchema = z.object({
  target: z.discriminatedUnion('type', [
    z.object({ type: z.literal('community'), slug: slugSchema }).strict(),
    z.object({ type: z.literal('group'), groupId: idSchema }).strict(),
    z.object({ type: z.literal('link') }).strict(),
  ]),
}).strict()
export const shareResultSchema = z.object({ shareId: z.string(), url: z.string(), crosspostId: z.string().nullable() })

export const postParamsSchema = z.object({ id: idSchema })
export const reactionParamsSchema = z.object({ id: idSchema, kind: reactionKindSchema })

export const searchQuerySchema = z.object({
  q: z.string().trim().max(200).optional(),
  community: slugSchema.optional(),
  author: slugSchema.optional(),
  tag: tagSchema.optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  cursor: cursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
})
export const searchHitSchema = z.object({
  post: postSchema,
  highlights: z.record(z.string(), z.array(z.string())),
})
