import type { Ports } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import type { PostDoc } from '../domain/posts-model'
import { LiveLog } from '../realtime/live-log'
import { connections } from '../domain/connections-model'
import { HomeList, wideThreshold } from '../domain/home-list'
import { type freshDocs, findByIds } from './fresh-docs'

/** The live room of a person's home feed. */
export const homeRoom = (userId: string) => `home:${userId}`

/**
 * The home feed fanned out on write: each post id goes into its readers' lists (HomeList), and
 * the live side: each post that becomes visible (published at
 * once, or approved) is announced in the home room of everyone whose feed it enters: the
 * community's members, and the author's followers who may read the community, less anyone
 * blocked either way with the author or who muted them. The page shows "n new posts" and reads
 * the feed again when asked; what it reads is decided by the store (see HomeFeedService).
 */
export async function fanOutHome(ports: Pick<Ports, 'store' | 'cache'>, events: CloudEvent[], atHand?: ReturnType<typeof freshDocs>) {
  // A follow or a membership can bring older posts into a feed: that person's list is seeded again.
  await new HomeList(ports.cache).invalidate(events.filter(e => e.type === 'c18n.connection.followed' || e.type === 'c18n.membership.joined').map(e => ({ userId: String(e.data.userId), eventId: e.id })))
  const shown = events.filter(e => (e.type === 'c18n.post.created' && !e.data.parentId && e.data.moderation !== 'pending') || e.type === 'c18n.post.approved')
  if (!shown.length) return
  const { store } = ports
  const posts = await findByIds(store.collection<PostDoc>('posts'), shown.map(e => String(e.data.id)), atHand?.posts)
  const byId = new Map(posts.filter(p => p.kind === 'post' && !p.deleted && !p.held).map(p => [p._id, p]))
  if (!byId.size) return
  const communityIds = [...new Set([...byId.values()].map(p => p.communityId))]
  const authorIds = [...new Set([...byId.values()].map(p => p.authorId))]
  // One query per collection for the whole batch.
  const [communities, memberships, follows, blocksAndMutes, blockedBy] = await Promise.all([
    store.collection<{ _id: string, visibility: string }>('communities').find({ _id: { $in: communityIds } }),
    store.collection<{ _id: string, communityId: string, userId: string }>('memberships').find({ communityId: { $in: communityIds } }),
    connections(store).find({ kind: 'follow', targetId: { $in: authorIds } }),
    connections(store).find({ kind: { $in: ['block', 'mute'] }, targetId: { $in: authorIds } }),
    connections(store).find({ kind: 'block', userId: { $in: authorIds } }),
  ])
  const isPublic = new Set(communities.filter(c => c.visibility === 'public').map(c => c._id))
  const members = group(memberships.map(m => [m.communityId, m.userId]))
  const followers = group(follows.map(f => [f.targetId, f.userId]))
  const silenced = group([...blocksAndMutes.map(e => [e.targetId, e.userId] as [string, string]), ...blockedBy.map(e => [e.userId, e.targetId] as [string, string])])

  const entries = []
  const lists = new HomeList(ports.cache)
  for (const event of shown) {
    const post = byId.get(String(event.data.id))
    if (!post) continue
    const inCommunity = members.get(post.communityId) ?? new Set<string>()
    const readers = new Set([...inCommunity, ...[...followers.get(post.authorId) ?? []].filter(f => isPublic.has(post.communityId) || inCommunity.has(f))])
    // The lists get a superset (every member and follower, the author too): reads decide what shows.
    // An author with very many followers is read on demand by them instead (fan-out on read).
    const audience = followers.get(post.authorId) ?? new Set<string>()
    const wide = audience.size > wideThreshold()
    if (wide) await lists.markWide(post.authorId)
    await lists.fanOut(post._id, new Set([...inCommunity, ...(wide ? [] : audience), post.authorId]))
    for (const userId of [...readers]) if (silenced.get(post.authorId)?.has(userId)) readers.delete(userId)
    readers.delete(post.authorId)
    for (const userId of readers) {
      entries.push({ room: homeRoom(userId), eventId: event.id, kind: 'post.created' as const, at: event.time, payload: { id: post._id, communityId: post.communityId, authorId: post.authorId, title: post.title, createdAt: post.createdAt } })
    }
  }
  await new LiveLog(ports.cache).appendMany(entries)
}

function group(pairs: Array<[string, string]>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>()
  for (const [key, value] of pairs) out.set(key, (out.get(key) ?? new Set()).add(value))
  return out
}
