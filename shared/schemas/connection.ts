import { z } from 'zod'
import { userSummarySchema } from './user'

/** The three kinds of edge a person draws to another: follow (seen), block (cut off), mute (not heard). */
export const CONNECTION_KINDS = ['follow', 'block', 'mute'] as const
export type ConnectionKind = typeof CONNECTION_KINDS[number]

/** How I stand to a person, and their counts: what a profile shows. */
export const relationSchema = z.object({
  userId: z.string(),
  followers: z.number().int(),
  following: z.number().int(),
  /** Null when nobody is signed in, or it is me. */
  iFollow: z.boolean(),
  followsMe: z.boolean(),
  iBlock: z.boolean(),
  iMute: z.boolean(),
  /** Whether either of us blocked the other: no follow, no message, no mention. */
  blocked: z.boolean(),
})
export type Relation = z.infer<typeof relationSchema>

/** One person in a followers or following list, with when the edge was drawn. */
export const connectionEntrySchema = userSummarySchema.extend({ since: z.string() })
export type ConnectionEntry = z.infer<typeof connectionEntrySchema>
