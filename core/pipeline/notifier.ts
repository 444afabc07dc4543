import type { DocumentStore, Ports } from '../ports'
import { DuplicateKeyError } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import type { PostDoc } from '../domain/posts-model'
import { mentionsIn } from '../shared/markdown'
import { sequenceOf } from './projections/types'
import { persisted } from './wait'
import { LiveLog } from '../realtime/live-log'

export interface NotificationDoc {
  _id: string
  seq: string
  userId: string
  type: 'new_post' | 'reply' | 'reaction' | 'mention' | 'share'
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
  const record = await persisted(ports.store, event.id)
  if (record.status !== 'applied') return
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
  const members = async () => (await store.collection<{ _id: string, userId: string, muted?: boolean }>('memberships').find({ communityId: post.communityId }))
  if (event.type === 'c18n.post.created') {
    // Someone mentioned hears it as a mention, once, and not again as a new post or reply.
    const handles = mentionsIn(post.body)
    const mentioned = new Set<string>()
    if (handles.length) {
      const users = await store.collection<{ _id: string }>('users').find({ handle: { $in: handles } })
      const readers = community?.visibility === 'private' ? new Set((await members()).map(m => m.userId)) : null
      for (const user of users) if (!readers || readers.has(user._id)) mentioned.add(user._id)
      await notify(ports, event, mentioned, { ...base, type: 'mention', text: `${who} mentioned you: “${quote(post.body)}”` })
    }
    if (post.kind === 'post') {
      const audience = (await members()).filter(m => !m.muted && !mentioned.has(m.userId)).map(m => m.userId)
      await notify(ports, event, audience, { ...base, type: 'new_post', text: `${who} posted “${quote(post.title)}” in ${community?.name ?? 'a community'}` })
    }
    else if (post.parentId) {
      const parent = await store.collection<PostDoc>('posts').findOne({ _id: post.parentId })
      if (parent && !mentioned.has(parent.authorId)) await notify(ports, event, [parent.authorId], { ...base, type: 'reply', text: `${who} replied: “${quote(post.body)}”` })
    }
  }
  else if (event.type === 'c18n.reaction.added') {
    await notify(ports, event, [post.authorId], { ...base, type: 'reaction', text: `${who} reacted ${String(event.data.kind)} to “${quote(post.title || post.body)}”` })
  }
  else if (event.type === 'c18n.share.created') {
    const target = event.data.target as { type: string, groupId?: string }
    if (target.type === 'group' && target.groupId) {
      const group = await store.collection<{ _id: string, name: string, memberIds: string[] }>('groups').findOne({ _id: target.groupId })
      if (group) await notify(ports, event, group.memberIds, { ...base, type: 'share', text: `${who} shared “${quote(post.title || post.body)}” with ${group.name}` })
    }
    await notify(ports, event, [post.authorId], { ...base, type: 'share', text: `${who} shared your post “${quote(post.title || post.body)}”` })
  }
}
