import { z } from 'zod'
import { idSchema, slugSchema, tagListSchema } from './common'

export const communityVisibilitySchema = z.enum(['public', 'private'])
export const memberRoleSchema = z.enum(['owner', 'moderator', 'member'])
export type MemberRole = z.infer<typeof memberRoleSchema>

export const communitySchema = z.object({
  id: z.string(),
  slug: slugSchema,
  name: z.string(),
  description: z.string(),
  topics: z.array(z.string()),
  visibility: communityVisibilitySchema,
  postsNeedApproval: z.boolean(),
  ownerId: z.string(),
  memberCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type Community = z.infer<typeof communitySchema>

/** A community as one viewer sees it: with their own role, if any. */
export const communityViewSchema = communitySchema.extend({ myRole: memberRoleSchema.nullable() })
export type CommunityView = z.infer<typeof communityViewSchema>

const communityName = z.string().trim().min(3, 'must be at least 3 characters').max(80, 'must be at most 80 characters')
const description = z.string().trim().max(2000, 'must be at most 2000 characters')

export const communityCreateSchema = z.object({
  name: communityName,
  slug: slugSchema,
  description: description.default(''),
  topics: tagListSchema,
  visibility: communityVisibilitySchema.default('public'),
  postsNeedApproval: z.boolean().default(false),
}).strict()
export type CommunityCreate = z.infer<typeof communityCreateSchema>

export const communityUpdateSchema = z.object({
  name: communityName.optional(),
  description: description.optional(),
  topics: tagListSchema.optional(),
  visibility: communityVisibilitySchema.optional(),
  postsNeedApproval: z.boolean().optional(),
}).strict()
export type CommunityUpdate = z.infer<typeof communityUpdateSchema>

export const membershipSchema = z.object({
  communityId: z.string(),
  userId: z.string(),
  handle: z.string(),
  displayName: z.string(),
  role: memberRoleSchema,
  joinedAt: z.string(),
})
export type Membership = z.infer<typeof membershipSchema>

export const roleChangeSchema = z.object({ role: memberRoleSchema.exclude(['owner']) }).strict()
export const slugParamsSchema = z.object({ slug: slugSchema })
export const memberParamsSchema = z.object({ slug: slugSchema, userId: idSchema })
