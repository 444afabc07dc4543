import { type SocialGraph, communityNode, dismissalKey, userNode } from './graph'

/**
 * Scoring. Both kinds of suggestion use the weighted Adamic–Adar index: a candidate scores the sum,
 * over what it has in common with you, of that link's weight divided by the log of its degree, so
 * a rare shared interest or a person in few communities counts for more than a popular one.
 *
 * Communities: score(u, c) = Σ over your interests i that are topics of c   1 / ln deg(i)
 *                          + Σ over people v you know who are members of c  w(u, v) / ln deg(v)
 * People:      score(u, v) = Σ over shared communities, interests and groups z  1 / ln deg(z)
 *                          + Σ over people k both of you know                  1 / ln deg(k)
 * "People you know" are those you interact with (replies, reactions, shares, direct messages)
 * and those in a group with you; w(u, v) = log2(1 + interactions + shared groups).
 */

export const SUGGESTIONS_KEPT = 10

export interface CommunitySuggestion {
  communityId: string
  score: number
  reason: string
  sharedInterests: string[]
  /** Members among the people you talk to, and among the people in your groups. */
  talkToMembers: number
  groupMateMembers: number
}
export interface PersonSuggestion {
  userId: string
  score: number
  reason: string
  sharedCommunities: number
  sharedInterests: string[]
  sharedGroups: number
  mutualContacts: number
  /** How many of the people you follow follow them. */
  followedByFollows: number
}
export interface Suggestions {
  userId: string
  computedAt: string
  communities: CommunitySuggestion[]
  people: PersonSuggestion[]
}

const adamicAdar = (degree: number) => 1 / Math.log(Math.max(2, degree))

interface Tie { interactions: number, sharedGroups: number }

function neighboursOfKind(graph: SocialGraph, node: string, kind: string): string[] {
  return graph.graph.neighbors(node).filter(n => graph.graph.getNodeAttribute(n, 'kind') === kind)
}

/** The people a user knows: whom they interact with, and who is in a group with them. */
export function tiesOf(social: SocialGraph, user: string): Map<string, Tie> {
  const { graph } = social
  const ties = new Map<string, Tie>()
  const tie = (other: string) => ties.get(other) ?? ties.set(other, { interactions: 0, sharedGroups: 0 }).get(other)!
  graph.forEachEdge(user, (_, attributes, source, target) => {
    if (attributes.kind === 'interaction') tie(source === user ? target : source).interactions += attributes.facts?.length ?? 0
  })
  for (const group of neighboursOfKind(social, user, 'group')) {
    for (const mate of neighboursOfKind(social, group, 'user')) if (mate !== user) tie(mate).sharedGroups++
  }
  return ties
}

const tieWeight = (tie: Tie) => Math.log2(1 + tie.interactions + tie.sharedGroups)
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`
const listed = (tags: string[]) => tags.length > 3 ? `${tags.slice(0, 3).join(', ')} and ${tags.length - 3} more` : tags.join(', ')

/** Communities the user may join, best first: public ones only, never one they are in or dismissed. */
export function suggestCommunities(social: SocialGraph, userId: string, limit = SUGGESTIONS_KEPT): CommunitySuggestion[] {
  const { graph } = social
  const user = userNode(userId)
  if (!graph.hasNode(user)) return []
  const dismissed = social.dismissed(userId)
  const candidates = new Map<string, CommunitySuggestion>()
  const candidate = (community: string) => {
    const attributes = graph.getNodeAttributes(community)
    if (attributes.visibility !== 'public' || graph.hasEdge(user, community) || dismissed.has(dismissalKey('community', attributes.id))) return null
    return candidates.get(community) ?? candidates.set(community, { communityId: attributes.id, score: 0, reason: '', sharedInterests: [], talkToMembers: 0, groupMateMembers: 0 }).get(community)!
  }
  for (const interest of neighboursOfKind(social, user, 'interest')) {
    for (const community of neighboursOfKind(social, interest, 'community')) {
      const entry = candidate(community)
      if (!entry) continue
      entry.score += adamicAdar(graph.degree(interest))
      entry.sharedInterests.push(graph.getNodeAttribute(interest, 'id'))
    }
  }
  for (const [person, tie] of tiesOf(social, user)) {
    for (const community of neighboursOfKind(social, person, 'community')) {
      const entry = candidate(community)
      if (!entry) continue
      entry.score += tieWeight(tie) * adamicAdar(graph.degree(person))
      if (tie.interactions) entry.talkToMembers++
      else entry.groupMateMembers++
    }
  }
  const slug = (entry: CommunitySuggestion) => graph.getNodeAttribute(communityNode(entry.communityId), 'slug') ?? entry.communityId
  return ranked([...candidates.values()], slug, limit).map(entry => ({ ...entry, sharedInterests: entry.sharedInterests.sort(), reason: communityReason(entry) }))
}

function communityReason(entry: CommunitySuggestion): string {
  const parts: string[] = []
  if (entry.talkToMembers) parts.push(entry.talkToMembers === 1 ? '1 person you talk to is a member' : `${entry.talkToMembers} people you talk to are members`)
  if (entry.groupMateMembers) parts.push(entry.groupMateMembers === 1 ? '1 person from your groups is a member' : `${entry.groupMateMembers} people from your groups are members`)
  if (entry.sharedInterests.length) parts.push(`Matches your ${entry.sharedInterests.length === 1 ? 'interest' : 'interests'}: ${listed(entry.sharedInterests)}`)
  return parts.join(' · ')
}

/** People the user may know: not themselves, not someone they already talk to or share a group with. */
export function suggestPeople(social: SocialGraph, userId: string, limit = SUGGESTIONS_KEPT): PersonSuggestion[] {
  const { graph } = social
  const user = userNode(userId)
  if (!graph.hasNode(user)) return []
  const dismissed = social.dismissed(userId)
  const known = tiesOf(social, user)
  const blocked = social.blockedWith(userId)
  const candidates = new Map<string, PersonSuggestion>()
  const candidate = (person: string) => {
    const id = graph.getNodeAttribute(person, 'id')
    if (person === user || known.has(person) || dismissed.has(dismissalKey('person', id)) || blocked.has(id)) return null
    return candidates.get(person) ?? candidates.set(person, { userId: id, score: 0, reason: '', sharedCommunities: 0, sharedInterests: [], sharedGroups: 0, mutualContacts: 0, followedByFollows: 0 }).get(person)!
  }
  for (const shared of graph.neighbors(user)) {
    const kind = graph.getNodeAttribute(shared, 'kind')
    if (kind === 'user' || kind === 'group') continue // people you know are handled below; group mates are known
    for (const person of neighboursOfKind(social, shared, 'user')) {
      const entry = candidate(person)
      if (!entry) continue
      entry.score += adamicAdar(graph.degree(shared))
      if (kind === 'community') entry.sharedCommunities++
      else entry.sharedInterests.push(graph.getNodeAttribute(shared, 'id'))
    }
  }
  for (const contact of known.keys()) {
    for (const person of tiesOf(social, contact).keys()) {
      const entry = candidate(person)
      if (!entry) continue
      entry.score += adamicAdar(graph.degree(contact))
      entry.mutualContacts++
    }
  }
  // People followed by those you follow: each such follow counts again, as a stronger sign.
  for (const contact of known.keys()) {
    const contactId = graph.getNodeAttribute(contact, 'id')
    if (!social.follows(userId, contactId)) continue
    for (const person of graph.neighbors(contact)) {
      if (graph.getNodeAttribute(person, 'kind') !== 'user' || !social.follows(contactId, graph.getNodeAttribute(person, 'id'))) continue
      const entry = candidate(person)
      if (!entry) continue
      entry.score += adamicAdar(graph.degree(contact))
      entry.followedByFollows++
    }
  }
  const handle = (entry: PersonSuggestion) => graph.getNodeAttribute(userNode(entry.userId), 'handle') ?? entry.userId
  return ranked([...candidates.values()], handle, limit).map(entry => ({ ...entry, sharedInterests: entry.sharedInterests.sort(), reason: personReason(entry) }))
}

function personReason(entry: PersonSuggestion): string {
  const parts: string[] = []
  if (entry.followedByFollows) parts.push(`Followed by ${plural(entry.followedByFollows, 'person', 'people')} you follow`)
  if (entry.mutualContacts) parts.push(`Knows ${plural(entry.mutualContacts, 'person', 'people')} you know`)
  if (entry.sharedCommunities) parts.push(`${plural(entry.sharedCommunities, 'community', 'communities')} in common`)
  if (entry.sharedInterests.length) parts.push(`Also into ${listed(entry.sharedInterests)}`)
  return parts.join(' · ')
}

/**
 * Highest score first; ties broken by slug or handle (stable across runs, unlike ids) so that the
 * same graph always gives the same list.
 */
function ranked<T extends { score: number }>(entries: T[], stableKey: (entry: T) => string, limit: number): T[] {
  return entries.filter(e => e.score > 0).sort((a, b) => b.score - a.score || stableKey(a).localeCompare(stableKey(b))).slice(0, limit)
}

export function suggestionsFor(social: SocialGraph, userId: string, now = new Date()): Suggestions {
  return { userId, computedAt: now.toISOString(), communities: suggestCommunities(social, userId), people: suggestPeople(social, userId) }
}
