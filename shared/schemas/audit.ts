import { z } from 'zod'
import { userSummarySchema } from './user'

/** One moderator or admin action in a community's audit log: the event as it was recorded. */
export const auditEntrySchema = z.object({
  id: z.string(),
  type: z.string(),
  time: z.string(),
  /** Who did it; null when the account is gone or the event names nobody. */
  actor: userSummarySchema.nullable(),
  subject: z.string(),
  /** A plain sentence for people; the raw event data beside it for tools. */
  summary: z.string(),
  data: z.record(z.string(), z.unknown()),
})
export type AuditEntry = z.infer<typeof auditEntrySchema>
