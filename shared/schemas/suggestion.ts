import { z } from 'zod'
import { idSchema } from './common'
import { communitySchema } from './community'
import { userSummarySchema } from './user'

export const suggestionKindSchema = z.enum(['community', 'person'])
export type SuggestionKind = z.infer<typeof suggestionKindSchema>

export const communitySuggestionSchema = z.object({
  community: communitySchema.pick({ id: true, slug: true, name: true, description: true, topics: true, memberCount: true }),
  /** Why it is suggested, for people: "3 people you talk to are members". */
  reason: z.string(),
  score: z.number(),
})
export const personSuggestionSchema = z.object({
  user: userSummarySchema,
  reason: z.string(),
  score: z.number(),
})
export const suggestionsSchema = z.object({
  /** `pending` until the suggester has computed this user's suggestions for the first time. */
  state: z.enum(['ready', 'pending']),
  computedAt: z.string().nullable(),
  communities: z.array(communitySuggestionSchema),
  people: z.array(personSuggestionSchema),
})
export type SuggestionsView = z.infer<typeof suggestionsSchema>
export type CommunitySuggestionView = z.infer<typeof communitySuggestionSchema>
export type PersonSuggestionView = z.infer<typeof personSuggestionSchema>

/** Not paged: the few best suggestions, so a cursor (or any other parameter) is refused. */
export const suggestionsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(10).default(5) }).strict()
export const dismissSuggestionSchema = z.object({ kind: suggestionKindSchema, id: idSchema }).strict()
export type DismissSuggestion = z.infer<typeof dismissSuggestionSchema>
