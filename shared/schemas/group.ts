import { z } from 'zod'
import { idSchema, slugSchema } from './common'
import { userSummarySchema } from './user'

export const groupSchema = z.object({
  id: z.string(),
  name: z.string(),
  ownerId: z.string(),
  memberIds: z.array(z.string()),
  members: z.array(userSummarySchema),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type Group = z.infer<typeof groupSchema>

const groupName = z.string().trim().min(2, 'must be at least 2 characters').max(60, 'must be at most 60 characters')

export const groupCreateSchema = z.object({
  name: groupName,
  memberHandles: z.array(slugSchema).max(50, 'at most 50 members at once').default([]),
}).strict()
export const groupRenameSchema = z.object({ name: groupName }).strict()
export const groupMemberAddSchema = z.object({ handle: slugSchema }).strict()
export const groupParamsSchema = z.object({ id: idSchema })
export const groupMemberParamsSchema = z.object({ id: idSchema, userId: idSchema })
