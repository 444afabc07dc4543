import { z } from 'zod'
import { slugSchema } from './common'

/** Analytics queries: a time range, optionally one community; the whole site otherwise. Unknown parameters are refused. */
export const GRANULARITIES = ['minute', 'hour', 'day'] as const
export type Granularity = typeof GRANULARITIES[number]

const MAX_RANGE_MS: Record<Granularity, number> = { minute: 6 * 3600_000, hour: 31 * 86_400_000, day: 400 * 86_400_000 }
const DEFAULT_RANGE_MS: Record<Granularity, number> = { minute: 3600_000, hour: 2 * 86_400_000, day: 30 * 86_400_000 }

const isoTime = z.iso.datetime({ message: 'use an ISO 8601 time such as 2026-01-31T00:00:00Z' })

const rangeFields = {
  community: slugSchema.optional(),
  from: isoTime.optional(),
  to: isoTime.optional(),
}

/** Fills in the default range (the last 30 days by day, 2 days by hour, 1 hour by minute) and checks its length. */
function withRange<T extends { from?: string, to?: string }>(value: T, granularity: Granularity, ctx: z.RefinementCtx) {
  const to = value.to ? Date.parse(value.to) : Date.now()
  const from = value.from ? Date.parse(value.from) : to - DEFAULT_RANGE_MS[granularity]
  if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'must be before to' })
  else if (to - from > MAX_RANGE_MS[granularity]) ctx.addIssue({ code: 'custom', path: ['from'], message: `the range may be at most ${MAX_RANGE_MS[granularity] / 3600_000} hours by ${granularity}` })
  return { ...value, fromMs: from, toMs: to }
}

export const seriesQuerySchema = z.object({ ...rangeFields, granularity: z.enum(GRANULARITIES).default('day') }).strict()
  .transform((value, ctx) => withRange(value, value.granularity, ctx))
export const topQuerySchema = z.object({
  ...rangeFields,
  by: z.enum(['contributors', 'reactions']).default('contributors'),
  limit: z.coerce.number().int().min(1).max(50).default(10),
}).strict().transform((value, ctx) => withRange(value, 'day', ctx))
export const cohortQuerySchema = z.object({ ...rangeFields }).strict().transform((value, ctx) => withRange({ ...value, from: value.from ?? new Date(Date.now() - 180 * 86_400_000).toISOString() }, 'day', ctx))
export const scopeQuerySchema = z.object({ community: slugSchema.optional() }).strict()

/** `full`: owners of the community and site admins; `summary`: members, and everyone for the site. */
export const accessLevelSchema = z.enum(['full', 'summary'])
const scopeSchema = z.object({ community: z.string().nullable(), communityName: z.string().nullable(), level: accessLevelSchema })

export const activityPointSchema = z.object({
  start: z.string(),
  posts: z.number().int(),
  replies: z.number().int(),
  reactions: z.number().int(),
  messages: z.number().int(),
  shares: z.number().int(),
  joins: z.number().int(),
  leaves: z.number().int(),
  signups: z.number().int(),
  activeUsers: z.number().int(),
  /** Members of the community (registered people for the site) at the end of the bucket. */
  members: z.number().int(),
})
export type ActivityPoint = z.infer<typeof activityPointSchema>

export const seriesSchema = z.object({
  scope: scopeSchema,
  granularity: z.enum(GRANULARITIES),
  from: z.string(),
  to: z.string(),
  /** The batch views' cut-off: buckets before it come from the batch layer, after it from the speed layer. */
  cutoff: z.string().nullable(),
  points: z.array(activityPointSchema),
})
export type Series = z.infer<typeof seriesSchema>

export const topSchema = z.object({
  scope: scopeSchema,
  by: z.enum(['contributors', 'reactions']),
  cutoff: z.string().nullable(),
  items: z.array(z.object({ key: z.string(), label: z.string(), count: z.number().int() })),
})
export type Top = z.infer<typeof topSchema>

export const cohortsSchema = z.object({
  scope: scopeSchema,
  cutoff: z.string().nullable(),
  cohorts: z.array(z.object({
    start: z.string(), size: z.number().int(),
    eligible7: z.number().int(), retained7: z.number().int(), eligible30: z.number().int(), retained30: z.number().int(),
  })),
})
export type Cohorts = z.infer<typeof cohortsSchema>

export const liveSchema = z.object({
  scope: scopeSchema,
  now: z.string(),
  cutoff: z.string().nullable(),
  /** The last hour, minute by minute, from the speed layer. */
  minutes: z.array(activityPointSchema),
  online: z.object({ count: z.number().int(), handles: z.array(z.string()).nullable() }),
  trendingPosts: z.array(z.object({ id: z.string(), title: z.string(), communitySlug: z.string(), score: z.number() })),
  trendingCommunities: z.array(z.object({ slug: z.string(), name: z.string(), score: z.number() })),
})
export type Live = z.infer<typeof liveSchema>

export const batchRunSchema = z.object({
  id: z.string(), cutoff: z.string(), status: z.enum(['running', 'done', 'abandoned']), startedAt: z.string(),
  finishedAt: z.string().nullable(), durationMs: z.number().nullable(), events: z.number().int(), resumed: z.number().int(),
  // Runs recorded before the Spark batch layer lack these.
  engine: z.enum(['embedded', 'spark']).optional(), malformed: z.number().int().optional(), error: z.string().nullable().optional(),
})
export const batchRunsSchema = z.object({ current: z.string().nullable(), items: z.array(batchRunSchema) })
export const batchRunRequestSchema = z.object({ cutoff: isoTime.optional() }).strict()
