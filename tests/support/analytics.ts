import type { Domain } from '../../core/domain'
import { type EventRecord, eventLog } from '../../core/pipeline/event-log'
import { newEvent } from '../../core/pipeline/events'
import type { Aggregate } from '../../shared/schemas/events'
import { REACTION_KINDS } from '../../shared/schemas/events'

const HOUR = 3_600_000
const DAY = 24 * HOUR

/**
 * Writes an event with a chosen time through the bus and waits until the persister has applied
 * it, as the domain's own writes do: analytics buckets by event time, so tests can place activity
 * in the past.
 */
export async function commitAt(domain: Domain, aggregate: Aggregate, type: string, key: string, data: Record<string, unknown>, actorId: string, atMs: number) {
  const pending = newEvent(aggregate, type, String(data.id ?? data.postId ?? key), key, data, actorId)
  pending.event.time = new Date(atMs).toISOString()
  await domain.publisher.commit(pending)
  return pending.event
}

let serial = 0
/** Posts, replies and reactions by these people in this community, at these times. */
export async function activity(domain: Domain, communityId: string, people: string[], times: number[]) {
  const postIds: string[] = []
  for (const [i, at] of times.entries()) {
    const author = people[i % people.length]!
    const choice = i % 4
    if (choice === 3 && postIds.length) {
      const postId = postIds[i % postIds.length]!
      await commitAt(domain, 'reactions', 'reaction.added', communityId, { postId, communityId, userId: author, kind: REACTION_KINDS[i % 4] }, author, at)
    }
    else {
      const id = `an${(serial++).toString(36)}x${Date.now().toString(36)}`
      const parent = choice === 2 && postIds.length ? postIds[i % postIds.length]! : null
      await commitAt(domain, 'posts', 'post.created', communityId, { id, communityId, authorId: author, parentId: parent, rootId: parent ?? id, title: parent ? '' : `Post ${i}`, body: `body ${i}`, tags: [] }, author, at)
      if (!parent) postIds.push(id)
    }
  }
  return postIds
}

export interface Expected { start: string, posts: number, replies: number, reactions: number, joins: number, leaves: number, signups: number, activeUsers: number }

/**
 * What the analytics answer must be, recomputed from every raw event in the log with none of the
 * analytics code: plain counting by type and time.
 */
export async function recompute(domain: Domain, scope: { communityId: string | null }, fromMs: number, toMs: number, unitMs: number) {
  const records: EventRecord[] = (await eventLog(domain.ports.store).find({ status: 'applied' })).filter(r => Date.parse(r.time) >= fromMs && Date.parse(r.time) < toMs)
  const points = new Map<number, Expected & { people: Set<string> }>()
  for (let start = fromMs; start < toMs; start += unitMs) points.set(start, { start: new Date(start).toISOString(), posts: 0, replies: 0, reactions: 0, joins: 0, leaves: 0, signups: 0, activeUsers: 0, people: new Set() })
  const contributors: Record<string, number> = {}
  const reactions: Record<string, number> = {}
  for (const r of records) {
    const d = r.data as Record<string, string | null>
    const community = r.type === 'c18n.community.created' ? d.id : d.communityId
    if (scope.communityId && community !== scope.communityId) continue
    const p = points.get(Math.floor(Date.parse(r.time) / unitMs) * unitMs)!
    const act = (who: string) => {
      p.people.add(who)
      contributors[who] = (contributors[who] ?? 0) + 1
    }
    if (r.type === 'c18n.post.created') {
      if (d.parentId) p.replies++
      else p.posts++
      act(d.authorId!)
    }
    else if (r.type === 'c18n.reaction.added') {
      p.reactions++
      reactions[d.kind!] = (reactions[d.kind!] ?? 0) + 1
      act(d.userId!)
    }
    else if (r.type === 'c18n.membership.joined' || r.type === 'c18n.community.created') p.joins++
    else if (r.type === 'c18n.membership.left') p.leaves++
    else if (r.type === 'c18n.user.registered') p.signups++
  }
  return {
    points: [...points.values()].map(({ people, ...rest }) => ({ ...rest, activeUsers: people.size })),
    contributors, reactions,
  }
}

export const hours = (n: number) => n * HOUR
export const days = (n: number) => n * DAY
