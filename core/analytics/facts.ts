/**
 * What one applied event contributes to the analytics views. Both layers use this one function:
 * the speed layer on events as they stream past, the batch layer on the immutable event log, so
 * their buckets can be added together without double counting or gaps.
 */

/** A bucket of counters: metric name to count. `u:<userId>` counts a person's actions, `r:<kind>` reactions by kind. */
export type Counters = Record<string, number>

/** The scope of a view: a community's id, or the whole site. */
export const SITE = 'all'

export const METRICS = ['posts', 'replies', 'reactions', 'messages', 'shares', 'joins', 'leaves', 'signups', 'communities'] as const
export type Metric = typeof METRICS[number]

export interface Fact {
  /** The community it happened in, or null for site-wide events (sign-ups, direct messages). */
  communityId: string | null
  counters: Counters
  /** Who acted, when the event is activity (it makes them an active user and a contributor). */
  activeUserId: string | null
  /** A membership began (for retention cohorts). */
  joinedUserId: string | null
  /** The post whose thread this moves up in trending, and by how much. */
  trendingPost: { id: string, weight: number } | null
}

export interface EventLike { type: string, time: string, actorid?: string, data: Record<string, unknown> }

const str = (value: unknown) => (typeof value === 'string' && value ? value : null)

/** A chat room id says whose room it is: `community:<id>` rooms count towards that community. */
const communityOfRoom = (roomId: unknown) => {
  const room = str(roomId)
  return room?.startsWith('community:') ? room.slice('community:'.length) : null
}

/** The fact of an applied event, or null when analytics ignores its type. */
export function factOf(event: EventLike): Fact | null {
  const d = event.data
  const base = { counters: {} as Counters, activeUserId: null as string | null, joinedUserId: null as string | null, trendingPost: null as Fact['trendingPost'] }
  switch (event.type) {
    case 'c18n.user.registered':
      return { ...base, communityId: null, counters: { signups: 1 } }
    case 'c18n.community.created':
      // The owner is its first member.
      return { ...base, communityId: str(d.id), counters: { communities: 1, joins: 1 }, joinedUserId: str(d.ownerId) }
    case 'c18n.membership.joined':
      return { ...base, communityId: str(d.communityId), counters: { joins: 1 }, joinedUserId: str(d.userId) }
    case 'c18n.membership.left':
      return { ...base, communityId: str(d.communityId), counters: { leaves: 1 } }
    case 'c18n.post.created': {
      const isReply = !!d.parentId
      return { ...base, communityId: str(d.communityId), counters: { [isReply ? 'replies' : 'posts']: 1 }, activeUserId: str(d.authorId), trendingPost: str(d.rootId) ? { id: String(d.rootId), weight: isReply ? 2 : 1 } : null }
    }
    case 'c18n.reaction.added':
      return { ...base, communityId: str(d.communityId), counters: { reactions: 1, [`r:${String(d.kind)}`]: 1 }, activeUserId: str(d.userId), trendingPost: str(d.postId) ? { id: String(d.postId), weight: 1 } : null }
    case 'c18n.share.created':
      return { ...base, communityId: str(d.communityId), counters: { shares: 1 }, activeUserId: str(d.userId), trendingPost: str(d.postId) ? { id: String(d.postId), weight: 1 } : null }
    // Chat (topic <ns>.messages) is counted by type: community rooms count for their community,
    // group rooms and direct conversations only site-wide.
    case 'c18n.message.sent':
      return { ...base, communityId: communityOfRoom(d.roomId), counters: { messages: 1 }, activeUserId: str(d.authorId) }
    default:
      return null
  }
}

/** The scopes a fact counts in: its community (if any) and always the whole site. */
export const scopesOf = (fact: Fact) => (fact.communityId ? [fact.communityId, SITE] : [SITE])

/** The counters a fact adds to a bucket: its metrics plus one action for the active person. */
export function countersOf(fact: Fact): Counters {
  return fact.activeUserId ? { ...fact.counters, [`u:${fact.activeUserId}`]: 1 } : fact.counters
}

export function addInto(target: Counters, source: Counters) {
  for (const [key, value] of Object.entries(source)) target[key] = (target[key] ?? 0) + value
  return target
}

/** How the member count moves: members of a community, registered people for the site. */
export const memberDelta = (scope: string, counters: Counters) => scope === SITE ? (counters.signups ?? 0) : (counters.joins ?? 0) - (counters.leaves ?? 0)

export const activeUsersIn = (counters: Counters) => Object.entries(counters).filter(([key, n]) => key.startsWith('u:') && n > 0).length

export const MINUTE_MS = 60_000
export const HOUR_MS = 60 * MINUTE_MS
export const DAY_MS = 24 * HOUR_MS
export const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit
