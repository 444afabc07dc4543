import type { Ports } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import type { FlagSource, ModerationSettings } from '../../shared/schemas/moderation'
import { settingsOf } from '../domain/moderation'
import type { PostDoc } from '../domain/posts-model'
import { analyzeText, describeReason } from '../moderation/analyze'
import { type PendingEvent, newEvent, topicFor } from './events'
import { queue } from '../domain/moderation-model'
import { type freshDocs, findByIds } from './fresh-docs'

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

/** How much one reporter's word weighs: a moderator's settles it, a member's counts once, an outsider's half. */
export function reporterWeight(role: string | null | undefined, threshold: number): number {
  if (role === 'owner' || role === 'moderator') return threshold
  return role ? 1 : 0.5
}

/**
 * The weight of everyone who reported a post, by report or "report" reaction, each person once,
 * weighed by their standing in the post's community now.
 */
async function reportWeight(store: Ports['store'], post: PostDoc, threshold: number): Promise<number> {
  const [reported, reacted] = await Promise.all([
    store.collection<{ _id: string, userId: string }>('reports').find({ postId: post._id }),
    store.collection<{ _id: string, userId: string }>('reactions').find({ postId: post._id, kind: 'report' }),
  ])
  const reporters = [...new Set([...reported, ...reacted].map(r => r.userId))].filter(id => id !== post.authorId)
  if (!reporters.length) return 0
  const roles = new Map((await store.collection<{ _id: string, userId: string, role: string }>('memberships').find({ communityId: post.communityId, userId: { $in: reporters } })).map(m => [m.userId, m.role]))
  return reporters.reduce((sum, id) => sum + reporterWeight(roles.get(id), threshold), 0)
}

/**
 * The flagger: checks new and edited posts for abuse, reactions against the community's
 * thresholds, and turns members' reports into flags. A flag is an event (c18n.post.flagged);
 * the community's setting, read here, says whether it hides the post or only queues it. A batch
 * reads its posts with one query and each community's settings once, and publishes its flags
 * together.
 */
export async function flagEvents(ports: Pick<Ports, 'store' | 'bus'>, events: CloudEvent[], atHand?: ReturnType<typeof freshDocs>) {
  if (!events.length) return
  const postIdOf = (event: CloudEvent) => String(event.data.postId ?? event.data.id ?? '')
  const posts = new Map((await findByIds(ports.store.collection<PostDoc>('posts'), events.map(postIdOf), atHand?.posts)).map(p => [p._id, p]))
  const settings = new Map<string, Promise<ModerationSettings>>()
  const settingsFor = (communityId: string) => {
    if (!settings.has(communityId)) settings.set(communityId, settingsOf(ports.store, communityId))
    return settings.get(communityId)!
  }
  const flags: PendingEvent[] = []
  for (const event of events) {
    const flag = await flagOf(ports, event, posts.get(postIdOf(event)), settingsFor)
    if (flag) flags.push(flag)
  }
  if (flags.length) await ports.bus.publish(topicFor(flags[0]!), flags.map(f => ({ key: f.key, value: JSON.stringify(f.event), headers: { 'ce-type': f.event.type } })))
}

export async function flagEvent(ports: Pick<Ports, 'store' | 'bus'>, event: CloudEvent) {
  await flagEvents(ports, [event])
}

async function flagOf(ports: Pick<Ports, 'store'>, event: CloudEvent, post: PostDoc | undefined, settingsFor: (communityId: string) => Promise<ModerationSettings>): Promise<PendingEvent | null> {
  if (!post || post.deleted) return null
  const postId = post._id
  const settings = await settingsFor(post.communityId)
  let found: { source: FlagSource, reasons: string[], reporterId?: string, action?: ModerationSettings['flaggedAction'] } | null = null
  if (event.type === 'c18n.post.created' || event.type === 'c18n.post.edited') {
    const reasons = analyzeText(`${post.title}\n${post.body}`, settings.wordList).map(describeReason)
    if (reasons.length) found = { source: 'content', reasons }
  }
  else if (event.type === 'c18n.post.reported') {
    // Every report reaches the moderators with its reporter; only enough trusted reporters hide the post.
    const weight = await reportWeight(ports.store, post, settings.reportThreshold)
    found = { source: 'report', reasons: [String(event.data.reason)], reporterId: String(event.data.userId), action: weight >= settings.reportThreshold ? settings.flaggedAction : 'queue' }
  }
  else if (event.type === 'c18n.reaction.added') {
    // Once a reaction rule has queued the post, more reactions add nothing, nor after a moderator dismissed it.
    const item = await queue(ports.store).findOne({ _id: postId })
    if (item && (item.open || item.resolution === 'dismissed') && item.reasons.some(r => r.source === 'reactions')) return null
    const reactions = await ports.store.collection<ReactionDoc>('reactions').find({ postId })
    const reasons = reactionReasons(reactions, settings, Date.parse(event.time))
    if (reasons.length) found = { source: 'reactions', reasons }
  }
  if (!found) return null
  const flag = newEvent('posts', 'post.flagged', postId, post.communityId, {
    id: postId, communityId: post.communityId, source: found.source, reasons: found.reasons, action: found.action ?? settings.flaggedAction,
    ...(found.reporterId ? { reporterId: found.reporterId } : {}),
  })
  flag.event.source = '/c18n/flagger'
  return flag
}
