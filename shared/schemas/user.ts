import { z } from 'zod'
import { slugSchema, tagListSchema } from './common'

export const userRoleSchema = z.enum(['user', 'admin'])

export const userSchema = z.object({
  id: z.string(),
  handle: slugSchema,
  displayName: z.string(),
  bio: z.string(),
  interests: z.array(z.string()),
  avatarUrl: z.string().nullable(),
  role: userRoleSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type User = z.infer<typeof userSchema>

/** Enough of a user to show a name and link to the profile. */
export const userSummarySchema = userSchema.pick({ id: true, handle: true, displayName: true, avatarUrl: true })
export type UserSummary = z.infer<typeof userSummarySchema>

export const userUpdateSchema = z.object({
  displayName: z.string().trim().min(1, 'must not be empty').max(60, 'must be at most 60 characters').optional(),
  bio: z.string().trim().max(500, 'must be at most 500 characters').optional(),
  interests: tagListSchema.optional(),
  avatarUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) address' }).max(500).nullable().optional(),
}).strict()
export type UserUpdate = z.infer<typeof userUpdateSchema>

export const handleParamsSchema = z.object({ handle: slugSchema })

/** Why a site admin bans a person from the whole site. */
export const siteBanSchema = z.object({ reason: z.string().trim().min(1, 'say why').max(500, 'must be at most 500 characters') }).strict()

/** A local account's new password: long enough to resist guessing, and not the old one. */
export const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1, 'enter your current password').max(200),
  newPassword: z.string().min(10, 'must be at least 10 characters').max(200, 'must be at most 200 characters'),
}).strict().refine(change => change.newPassword !== change.currentPassword, { path: ['newPassword'], message: 'must differ from the current password' })
export type PasswordChange = z.infer<typeof passwordChangeSchema>
