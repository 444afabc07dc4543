import type { Ports } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import { FEED_LENGTH, FeedCache, profileKey } from '../domain/feed-cache'
import type { PostDoc } from '../domain/posts-model'
import { persisted } from './wait'
import { refreshMessage } from '../domain/room-cache'

/**
 * The cacher: after the persister has applied an event, copies the current state of what it
 * touched into the cache. Writing current state (not increments) makes a redelivery harmless.
 */
export async function cacheEvent(ports: Pick<Ports, 'store' | 'cache'>, event: CloudEvent) {
  const record = await persisted(ports.store, event.id)
  if (record.status !== 'applied') return
  const feeds = new FeedCache(ports.cache)
  const [aggregate] = event.type.slice('c18n.'.length).split('.')
  if (aggregate === 'user') {
    const user = await ports.store.collection('users').findOne({ _id: String(event.data.id) })
    if (user) await ports.cache.set(profileKey(user._id), JSON.stringify(user), 24 * 60 * 60)
    return
  }
  if (aggregate === 'message') return refreshMessage(ports, String(event.data.id))
  const postIds = aggregate === 'post' || aggregate === 'flag' ? [String(event.data.id)] : aggregate === 'reaction' || aggregate === 'share' ? [String(event.data.postId)] : []
  for (const id of postIds) await refreshPost(ports, feeds, id)
}

export async function refreshPost(ports: Pick<Ports, 'store' | 'cache'>, feeds: FeedCache, id: string) {
  const posts = ports.store.collection<PostDoc>('posts')
  const doc = await posts.findOne({ _id: id })
  if (!doc) return
  await feeds.putPost(doc)
  // A reply changes the counts its parent and thread root show.
  for (const related of new Set([doc.parentId, doc.rootId].filter((r): r is string => !!r && r !== id))) {
    const relatedDoc = await posts.findOne({ _id: related })
    if (relatedDoc) await feeds.putPost(relatedDoc)
  }
  if (doc.kind !== 'post') return
  if (!(await feeds.isReady(doc.communityId))) await warmFeed(ports, feeds, doc.communityId)
  // Deleted posts, and posts held back by moderation, leave the shared feed.
  else if (doc.deleted || doc.held) await feeds.removeFromFeed(doc)
  else await feeds.addToFeed(doc)
}

/** Fills a community's feed from the store the first time it is needed, then marks it ready. */
export async function warmFeed(ports: Pick<Ports, 'store' | 'cache'>, feeds: FeedCache, communityId: string) {
  const latest = await ports.store.collection<PostDoc>('posts').find({ communityId, kind: 'post', deleted: false, held: { $ne: true } }, { sort: { _id: -1 }, limit: FEED_LENGTH })
  for (const doc of latest) {
    await feeds.putPost(doc)
    await feeds.addToFeed(doc)
  }
  await feeds.markReady(communityId)
}
