import type { DocumentStore, Ports } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import type { PostDoc } from '../domain/posts-model'
import { mentionsIn } from '../content/markdown'
import { sequenceOf } from './projections/types'
import { LiveLog } from '../realtime/live-log'
import { connections } from '../domain/connections-model'
import { type freshDocs, findByIds } from './fresh-docs'

export interface NotificationDoc {
  _id: string
  seq: string
  userId: string
  type: 'new_post' | 'reply' | 'reaction' | 'mention' | 'share' | 'moderation' | 'decision' | 'follow'
  actorId: string | null
  postId: string
  rootId: string
  communityId: string
  text: string
  read: boolean
  createdAt: string
}

export const notifications = (store: DocumentStore) => store.collection<NotificationDoc>('notifications')

interface UserDoc { _id: string, handle: string, displayName: string }
interface CommunityDoc { _id: string, name: string, visibility: string }
interface MembershipDoc { _id: string, communityId: string, userId: string, muted?: boolean, role?: string }
interface GroupDoc { _id: string, name: string, memberIds: string[] }

/**
 * What a batch of events needs to know, read once for the whole batch with one query per
 * collection: the posts, their parents, actors and authors, communities and their members.
 */
async function lookups(store: DocumentStore, events: CloudEvent[], atHand?: ReturnType<typeof freshDocs>) {
  const byId = <T extends { _id: string }>(docs: T[]) => new Map(docs.map(d => [d._id, d]))
  const postIds = [...new Set(events.map(e => String(e.data.postId ?? e.data.id ?? '')))]
  const posts = byId(await findByIds(store.collection<PostDoc>('posts'), postIds, atHand?.posts))
  const parentIds = [...new Set([...posts.values()].map(p => p.parentId).filter((p): p is string => !!p && !posts.has(p)))]
  if (parentIds.length) for (const parent of await store.collection<PostDoc>('posts').find({ _id: { $in: parentIds } })) posts.set(parent._id, parent)
  const communityIds = [...new Set([...posts.values()].map(p => p.communityId))]
  const userIds = [...new Set([...events.map(e => e.actorid ?? ''), ...[...posts.values()].map(p => p.authorId)].filter(Boolean))]
  const groupIds = [...new Set(events.map(e => (e.data.target as { groupId?: string } | undefined)?.groupId).filter((g): g is string => !!g))]
  const [users, communities, memberships, groups] = await Promise.all([
    store.collection<UserDoc>('users').find({ _id: { $in: userIds } }).then(byId),
    store.collection<CommunityDoc>('communities').find({ _id: { $in: communityIds } }).then(byId),
    communityIds.length ? store.collection<MembershipDoc>('memberships').find({ communityId: { $in: communityIds } }) : [],
    groupIds.length ? store.collection<GroupDoc>('groups').find({ _id: { $in: groupIds } }).then(byId) : new Map<string, GroupDoc>(),
  ])
  const members = new Map<string, MembershipDoc[]>()
  for (const m of memberships) members.set(m.communityId, [...(members.get(m.communityId) ?? []), m])
  const handles = [...new Set([...posts.values()].flatMap(p => mentionsIn(p.body)))]
  const mentionable = new Map((handles.length ? await store.collection<UserDoc>('users').find({ handle: { $in: handles } }) : []).map(u => [u.handle, u]))
  // Blocks either way and the recipients' mutes of the batch's actors: they silence a notification.
  const actorIds = [...new Set([...events.map(e => e.actorid ?? ''), ...[...posts.values()].map(p => p.authorId)].filter(Boolean))]
  const edges = actorIds.length
    ? [
        ...await connections(store).find({ kind: { $in: ['block', 'mute'] }, targetId: { $in: actorIds } }),
        ...await connections(store).find({ kind: 'block', userId: { $in: actorIds } }),
      ]
    : []
  const silenced = new Set(edges.map(e => (e.kind === 'mute' ? `${e.userId}>${e.targetId}` : [e.userId, e.targetId].sort().join('|'))))
  const silences = (recipient: string, actorId: string | null) => !!actorId && (silenced.has(`${recipient}>${actorId}`) || silenced.has([recipient, actorId].sort().join('|')))
  return { posts, users, communities, members, groups, mentionable, silences }
}

/**
 * The notifier, a batch at a time: every notification the batch makes is written with one
 * unordered insert (its id makes a redelivered event notify nobody twice), then pushed to the
 * people's live streams in three cache round trips. Stored first, then pushed: the live stream
 * skips what a redelivery pushes again.
 */
export async function notifyEvents(ports: Pick<Ports, 'store' | 'cache'>, events: CloudEvent[], atHand?: ReturnType<typeof freshDocs>) {
  if (!events.length) return
  const known = await lookups(ports.store, events, atHand)
  const docs: NotificationDoc[] = []
  for (const event of events) {
    if (event.type === 'c18n.connection.followed') followed(known, event, docs)
    else collect(known, event, docs)
  }
  if (!docs.length) return
  await notifications(ports.store).insertMissing(docs)
  await new LiveLog(ports.cache).appendMany(docs.map(doc => ({
    room: `user:${doc.userId}`, eventId: doc._id, kind: 'notification' as const, at: doc.createdAt,
    payload: { id: doc._id, type: doc.type, text: doc.text, postId: doc.postId, rootId: doc.rootId, communityId: doc.communityId },
  })))
}

/** One event through the batch path. */
export async function notifyEvent(ports: Pick<Ports, 'store' | 'cache'>, event: CloudEvent) {
  await notifyEvents(ports, [event])
}

/** Someone followed you: a notice of its own, about a person rather than a post. */
function followed(known: Awaited<ReturnType<typeof lookups>>, event: CloudEvent, out: NotificationDoc[]) {
  const { userId, targetId } = event.data as { userId: string, targetId: string }
  if (known.silences(targetId, userId)) return
  const who = known.users.get(userId)?.displayName ?? 'Someone'
  out.push({ _id: `${event.id}:follow:${targetId}`, seq: `${sequenceOf(event)}:follow:${targetId}`, userId: targetId, type: 'follow', actorId: userId, postId: '', rootId: '', communityId: '', text: `${who} followed you`, read: false, createdAt: event.time })
}

const quote = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text)

/**
 * Members hear of new posts in communities they have not muted, authors of replies and
 * reactions, anyone @mentioned who can read the post, group members of shares.
 */
function collect(known: Awaited<ReturnType<typeof lookups>>, event: CloudEvent, out: NotificationDoc[]) {
  const postId = String(event.data.postId ?? event.data.id ?? '')
  const post = known.posts.get(postId)
  if (!post) return
  const actor = known.users.get(event.actorid ?? '')
  const community = known.communities.get(post.communityId)
  const notify = (userIds: Iterable<string>, base: Omit<NotificationDoc, '_id' | 'seq' | 'userId' | 'read' | 'createdAt'>) => {
    for (const userId of new Set(userIds)) {
      if (userId === base.actorId) continue
      // Nobody hears of someone they blocked, who blocked them, or whom they muted (moderation aside).
      if (base.type !== 'decision' && base.type !== 'moderation' && known.silences(userId, base.actorId)) continue
      out.push({ _id: `${event.id}:${base.type}:${userId}`, seq: `${sequenceOf(event)}:${base.type}:${userId}`, userId, read: false, createdAt: event.time, ...base })
    }
  }
  const who = actor?.displayName ?? 'Someone'
  const base = { actorId: event.actorid ?? null, postId: post._id, rootId: post.rootId, communityId: post.communityId }
  const members = () => known.members.get(post.communityId) ?? []
  const moderators = () => members().filter(m => m.role === 'owner' || m.role === 'moderator').map(m => m.userId)
  const where = community?.name ?? 'a community'
  const what = quote(post.title || post.body)
  // A post's mentions and new-post notices go out once it is published: at creation, or on approval.
  const announce = (authorName: string, authorId: string) => {
    const announced = { ...base, actorId: authorId }
    // Someone mentioned hears it as a mention, once, and not again as a new post or reply.
    const mentioned = new Set<string>()
    const handles = mentionsIn(post.body)
    if (handles.length) {
      const readers = community?.visibility === 'private' ? new Set(members().map(m => m.userId)) : null
      for (const handle of handles) {
        const user = known.mentionable.get(handle)
        if (user && (!readers || readers.has(user._id))) mentioned.add(user._id)
      }
      notify(mentioned, { ...announced, type: 'mention', text: `${authorName} mentioned you: “${quote(post.body)}”` })
    }
    if (post.kind === 'post') {
      notify(members().filter(m => !m.muted && !mentioned.has(m.userId)).map(m => m.userId), { ...announced, type: 'new_post', text: `${authorName} posted “${quote(post.title)}” in ${where}` })
    }
    return mentioned
  }
  if (event.type === 'c18n.post.created' && event.data.moderation === 'pending') {
    notify(moderators(), { ...base, type: 'moderation', text: `${who}'s post “${what}” awaits approval in ${where}` })
  }
  else if (event.type === 'c18n.post.created') {
    const mentioned = announce(who, event.actorid ?? post.authorId)
    if (post.kind === 'reply' && post.parentId) {
      const parent = known.posts.get(post.parentId)
      if (parent && !mentioned.has(parent.authorId)) notify([parent.authorId], { ...base, type: 'reply', text: `${who} replied: “${quote(post.body)}”` })
    }
  }
  else if (event.type === 'c18n.post.approved') {
    notify([post.authorId], { ...base, type: 'decision', text: `Your post “${what}” in ${where} was approved` })
    announce(known.users.get(post.authorId)?.displayName ?? 'Someone', post.authorId)
  }
  else if (event.type === 'c18n.post.rejected' || event.type === 'c18n.post.removed') {
    const verb = event.type === 'c18n.post.rejected' ? 'was not approved' : 'was removed by a moderator'
    notify([post.authorId], { ...base, type: 'decision', text: `Your post “${what}” in ${where} ${verb}: ${String(event.data.reason)}` })
  }
  else if (event.type === 'c18n.post.flagged') {
    const why = (event.data.reasons as string[]).join('; ')
    notify(moderators(), { ...base, type: 'moderation', text: `“${what}” in ${where} was flagged${event.data.action === 'hide' ? ' and hidden' : ''}: ${quote(why)}` })
  }
  else if (event.type === 'c18n.reaction.added') {
    notify([post.authorId], { ...base, type: 'reaction', text: `${who} reacted ${String(event.data.kind)} to “${quote(post.title || post.body)}”` })
  }
  else if (event.type === 'c18n.share.created') {
    const target = event.data.target as { type: string, groupId?: string }
    if (target.type === 'group' && target.groupId) {
      const group = known.groups.get(target.groupId)
      // Of a private community's post, only the group members who can read it hear of it.
      const readers = community?.visibility === 'private' ? new Set(members().map(m => m.userId)) : null
      if (group) notify(group.memberIds.filter(id => !readers || readers.has(id)), { ...base, type: 'share', text: `${who} shared “${quote(post.title || post.body)}” with ${group.name}` })
    }
    notify([post.authorId], { ...base, type: 'share', text: `${who} shared your post “${quote(post.title || post.body)}”` })
  }
}
