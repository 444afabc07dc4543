import { z } from 'zod'

/** CloudEvents 1.0, structured JSON mode: the envelope of every event on the bus. */
export const cloudEventSchema = z.object({
  specversion: z.literal('1.0'),
  id: z.string().min(1).max(100),
  source: z.string().min(1).max(200),
  type: z.string().regex(/^c18n\.[a-z]+\.[a-z_]+$/),
  time: z.iso.datetime(),
  subject: z.string().min(1).max(200),
  datacontenttype: z.literal('application/json'),
  /** Extension attribute: who caused the event. */
  actorid: z.string().max(64).optional(),
  /** Extension attribute: the HTTP request (or websocket frame) that caused the event, for its logs. */
  requestid: z.string().max(64).optional(),
  data: z.record(z.string(), z.unknown()),
})
export type CloudEvent<T = Record<string, unknown>> = Omit<z.infer<typeof cloudEventSchema>, 'data'> & { data: T }

/** The aggregates; each has its topic `c18n.<aggregate>` and a dead-letter topic beside it. */
export const AGGREGATES = ['users', 'groups', 'communities', 'memberships', 'posts', 'reactions', 'shares', 'messages', 'suggestions', 'media', 'connections'] as const
export type Aggregate = typeof AGGREGATES[number]
/**
 * Topics are `c18n.<aggregate>`. C18N_TOPIC_NAMESPACE replaces `c18n` so that test runs on a
 * shared broker keep to their own topics and consumer groups.
 */
export const namespace = () => (typeof process !== 'undefined' && process.env?.C18N_TOPIC_NAMESPACE) || 'c18n'
export const topicOf = (aggregate: Aggregate) => `${namespace()}.${aggregate}`
export const dlqOf = (topic: string) => `${topic}.dlq`

export const REACTION_KINDS = ['like', 'love', 'laugh', 'wow', 'sad', 'report'] as const
export type ReactionKind = typeof REACTION_KINDS[number]
