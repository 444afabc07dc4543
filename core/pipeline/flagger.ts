import type { Ports } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import type { FlagSource, ModerationSettings } from '../../shared/schemas/moderation'
import { settingsOf } from '../domain/moderation'
import type { PostDoc } from '../domain/posts-model'
import { analyzeText, describeReason } from '../moderation/analyze'
import { newEvent } from './events'
import { queue } from './projections/moderation'
import { EventPublisher } from './publisher'

/** Reactions that count against a post, and those that count for it, in the ratio rule. */
export const NEGATIVE_REACTIONS = ['report', 'sad'] as const
export const POSITIVE_REACTIONS = ['like', 'love', 'laugh', 'wow'] as const

interface ReactionDoc { _id: string, postId: string, kind: string, at: string }

/**
 * The reaction rules, pure: (1) enough "report" reactions, or (2) within the window, at least the
 * minimum of negative reactions at the ratio (or more) to the positive ones. Returns the reasons.
 */
export function reactionReasons(reactions: Array<Pick<ReactionDoc, 'kind' | 'at'>>, settings: ModerationSettings, now: number): string[] {
  const reasons: string[] = []
  const reportCount = reactions.filter(r => r.kind === 'report').length
  if (reportCount >= settings.reportThreshold) reasons.push(`${reportCount} report reactions (threshold ${settings.reportThreshold})`)
  const since = now - settings.windowMinutes * 60_000
  const recent = reactions.filter(r => Date.parse(r.at) >= since)
  const negative = recent.filter(r => (NEGATIVE_REACTIONS as readonly string[]).includes(r.kind)).length
  const positive = recent.filter(r => (POSITIVE_REACTIONS as readonly string[]).includes(r.kind)).length
  if (negative >= settings.negativeMinimum && negative >= settings.negativeRatio * positive) {
    reasons.push(`${negative} negative to ${positive} positive reactions within ${settings.windowMinutes} min`)
  }
  return reasons
}

/**
 * The flagger: checks new and edited posts for abuse, reactions against the community's
 * thresholds, and turns members' reports into flags. A flag is an event (c18n.post.flagged);
 * the community's setting, read here, says whether it hides the post or only queues it.
 */
export async function flagEvent(ports: Pick<Ports, 'store' | 'bus'>, event: CloudEvent) {
  const postId = String(event.data.postId ?? event.data.id ?? '')
  const post = await ports.store.collection<PostDoc>('posts').findOne({ _id: postId })
  if (!post || post.deleted) return
  const settings = await settingsOf(ports.store, post.communityId)
  let found: { source: FlagSource, reasons: string[], reporterId?: string } | null = null
  if (event.type === 'c18n.post.created' || event.type === 'c18n.post.edited') {
    const reasons = analyzeText(`${post.title}\n${post.body}`, settings.wordList).map(describeReason)
    if (reasons.length) found = { source: 'content', reasons }
  }
  else if (event.type === 'c18n.post.reported') {
    found = { source: 'report', reasons: [String(event.data.reason)], reporterId: String(event.data.userId) }
  }
  else if (event.type === 'c18n.reaction.added') {
    // Once a reaction rule has queued the post, more reactions add nothing, nor after a moderator dismissed it.
    const item = await queue(ports.store).findOne({ _id: postId })
    if (item && (item.open || item.resolution === 'dismissed') && item.reasons.some(r => r.source === 'reactions')) return
    const reactions = await ports.store.collection<ReactionDoc>('reactions').find({ postId })
    const reasons = reactionReasons(reactions, settings, Date.parse(event.time))
    if (reasons.length) found = { source: 'reactions', reasons }
  }
  if (!found) return
  const flag = newEvent('posts', 'post.flagged', postId, post.communityId, {
    id: postId, communityId: post.communityId, source: found.source, reasons: found.reasons, action: settings.flaggedAction,
    ...(found.reporterId ? { reporterId: found.reporterId } : {}),
  })
  flag.event.source = '/c18n/flagger'
  await new EventPublisher(ports).publish(flag)
}
