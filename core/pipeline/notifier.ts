import type { DocumentStore, Ports } from '../ports'
import { DuplicateKeyError } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import type { PostDoc } from '../domain/posts-model'
import { mentionsIn } from '../content/markdown'
import { sequenceOf } from './projections/types'
import { LiveLog } from '../realtime/live-log'

export interface NotificationDoc {
  _id: string
  seq: string
  userId: string
  type: 'new_post' | 'reply' | 'reaction' | 'mention' | 'share' | 'moderation' | 'decision'
  actorId: string | null
  postId: string
  rootId: string
  communityId: string
  text: string
  read: boolean
  createdAt: string
}

export const notifications = (store: DocumentStore) => store.collection<NotificationDoc>('notifications')

/** One notification per event, kind and person: the id makes a redelivered event notify nobody twice. */
async function notify({ store, cache }: Pick<Ports, 'store' | 'cache'>, event: CloudEvent, userIds: Iterable<string>, base: Omit<NotificationDoc, '_id' | 'seq' | 'userId' | 'read' | 'createdAt'>) {
  for (const userId of new Set(userIds)) {
    if (userId === base.actorId) continue
    const doc: NotificationDoc = { _id: `${event.id}:${base.type}:${userId}`, seq: `${sequenceOf(event)}:${base.type}:${userId}`, userId, read: false, createdAt: event.time, ...base }
    await notifications(store).insertOne(doc).catch((error) => {
      if (!(error instanceof DuplicateKeyError)) throw error
    })
    // Stored first, then pushed: the live stream skips it if a redelivery pushes it again.
    await new LiveLog(cache).append(`user:${userId}`, doc._id, 'notification', doc.createdAt, { id: doc._id, type: doc.type, text: doc.text, postId: doc.postId, rootId: doc.rootId, communityId: doc.communityId })
  }
}

const quote = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text)

/**
 * The notifier: members hear of new posts in communities they have not muted, authors of
 * replies and reactions, anyone @mentioned who can read the post, group members of shares.
 */
export async function notifyEvent(ports: Pick<Ports, 'store' | 'cache'>, event: CloudEvent) {
  const { store } = ports
  const postId = String(event.data.postId ?? event.data.id ?? '')
  const post = await store.collection<PostDoc>('posts').findOne({ _id: postId })
  if (!post) return
  const [actor, community] = await Promise.all([
    store.collection<{ _id: string, displayName: string }>('users').findOne({ _id: event.actorid ?? '' }),
    store.collection<{ _id: string, name: string, visibility: string }>('communities').findOne({ _id: post.communityId }),
  ])
  const who = actor?.displayName ?? 'Someone'
  const base = { actorId: event.actorid ?? null, postId: post._id, rootId: post.rootId, communityId: post.communityId }
  const members = async () => (await store.collection<{ _id: string, userId: string, muted?: boolean, role?: string }>('memberships').find({ communityId: post.communityId }))
  const moderators = async () => (await members()).filter(m => m.role === 'owner' || m.role === 'moderator').map(m => m.userId)
  const where = community?.name ?? 'a community'
  const what = quote(post.title || post.body)
  // A post's mentions and new-post notices go out once it is published: at creation, or on approval.
  const announce = async (authorName: string, authorId: string) => {
    const announced = { ...base, actorId: authorId }
    // Someone mentioned hears it as a mention, once, and not again as a new post or reply.
    const handles = mentionsIn(post.body)
    const mentioned = new Set<string>()
    if (handles.length) {
      const users = await store.collection<{ _id: string }>('users').find({ handle: { $in: handles } })
      const readers = community?.visibility === 'private' ? new Set((await members()).map(m => m.userId)) : null
      for (const user of users) if (!readers || readers.has(user._id)) mentioned.add(user._id)
      await notify(ports, event, mentioned, { ...announced, type: 'mention', text: `${authorName} mentioned you: “${quote(post.body)}”` })
    }
    if (post.kind === 'post') {
      const audience = (await members()).filter(m => !m.muted && !mentioned.has(m.userId)).map(m => m.userId)
      await notify(ports, event, audience, { ...announced, type: 'new_post', text: `${authorName} posted “${quote(post.title)}” in ${where}` })
    }
    return mentioned
  }
  if (event.type === 'c18n.post.created' && event.data.moderation === 'pending') {
    await notify(ports, event, await moderators(), { ...base, type: 'moderation', text: `${who}'s post “${what}” awaits approval in ${where}` })
  }
  else if (event.type === 'c18n.post.created') {
    const mentioned = await announce(who, event.actorid ?? post.authorId)
    if (post.kind === 'reply' && post.parentId) {
      const parent = await store.collection<PostDoc>('posts').findOne({ _id: post.parentId })
      if (parent && !mentioned.has(parent.authorId)) await notify(ports, event, [parent.authorId], { ...base, type: 'reply', text: `${who} replied: “${quote(post.body)}”` })
    }
  }
  else if (event.type === 'c18n.post.approved') {
    await notify(ports, event, [post.authorId], { ...base, type: 'decision', text: `Your post “${what}” in ${where} was approved` })
    const author = await store.collection<{ _id: string, displayName: string }>('users').findOne({ _id: post.authorId })
    await announce(author?.displayName ?? 'Someone', post.authorId)
  }
  else if (event.type === 'c18n.post.rejected' || event.type === 'c18n.post.removed') {
    const verb = event.type === 'c18n.post.rejected' ? 'was not approved' : 'was removed by a moderator'
    await notify(ports, event, [post.authorId], { ...base, type: 'decision', text: `Your post “${what}” in ${where} ${verb}: ${String(event.data.reason)}` })
  }
  else if (event.type === 'c18n.post.flagged') {
    const why = (event.data.reasons as string[]).join('; ')
    await notify(ports, event, await moderators(), { ...base, type: 'moderation', text: `“${what}” in ${where} was flagged${event.data.action === 'hide' ? ' and hidden' : ''}: ${quote(why)}` })
  }
  else if (event.type === 'c18n.reaction.added') {
    await notify(ports, event, [post.authorId], { ...base, type: 'reaction', text: `${who} reacted ${String(event.data.kind)} to “${quote(post.title || post.body)}”` })
  }
  else if (event.type === 'c18n.share.created') {
    const target = event.data.target as { type: string, groupId?: string }
    if (target.type === 'group' && target.groupId) {
      const group = await store.collection<{ _id: string, name: string, memberIds: string[] }>('groups').findOne({ _id: target.groupId })
      // Of a private community's post, only the group members who can read it hear of it.
      const readers = community?.visibility === 'private' ? new Set((await members()).map(m => m.userId)) : null
      if (group) await notify(ports, event, group.memberIds.filter(id => !readers || readers.has(id)), { ...base, type: 'share', text: `${who} shared “${quote(post.title || post.body)}” with ${group.name}` })
    }
    await notify(ports, event, [post.authorId], { ...base, type: 'share', text: `${who} shared your post “${quote(post.title || post.body)}”` })
  }
}
