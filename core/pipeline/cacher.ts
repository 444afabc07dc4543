import type { CacheCommand, Ports } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import { FEED_LENGTH, FeedCache, POST_TTL_SECONDS, feedKey, postKey, profileKey, scoreOf } from '../domain/feed-cache'
import type { PostDoc } from '../domain/posts-model'
import { refreshMessage } from '../domain/room-cache'

/**
 * The cacher: after the persister has applied an event, copies the current state of what it
 * touched into the cache. Writing current state (not increments) makes a redelivery harmless.
 */
export async function cacheEvent(ports: Pick<Ports, 'store' | 'cache'>, event: CloudEvent) {
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

/**
 * A batch of applied events: each post, profile and message it touched is copied once, posts
 * with one read for them and the posts they count towards and one cache round trip for all.
 */
export async function cacheEvents(ports: Pick<Ports, 'store' | 'cache'>, events: CloudEvent[]) {
  const postIds = new Set<string>()
  const userIds = new Set<string>()
  const messageIds = new Set<string>()
  for (const event of events) {
    const [aggregate] = event.type.slice('c18n.'.length).split('.')
    if (aggregate === 'user') userIds.add(String(event.data.id))
    else if (aggregate === 'message') messageIds.add(String(event.data.id))
    else if (aggregate === 'post' || aggregate === 'flag') postIds.add(String(event.data.id))
    else if (aggregate === 'reaction' || aggregate === 'share') postIds.add(String(event.data.postId))
  }
  const commands: CacheCommand[] = []
  if (userIds.size) {
    for (const user of await ports.store.collection('users').find({ _id: { $in: [...userIds] } })) commands.push(['set', profileKey(user._id), JSON.stringify(user), 24 * 60 * 60])
  }
  if (postIds.size) {
    const posts = ports.store.collection<PostDoc>('posts')
    const docs = await posts.find({ _id: { $in: [...postIds] } })
    // A reply changes the counts its parent and thread root show.
    const related = new Set(docs.flatMap(d => [d.parentId, d.rootId]).filter((r): r is string => !!r && !postIds.has(r)))
    const relatedDocs = related.size ? await posts.find({ _id: { $in: [...related] } }) : []
    for (const doc of [...docs, ...relatedDocs]) commands.push(['set', postKey(doc._id), JSON.stringify(doc), POST_TTL_SECONDS])
    const threads = docs.filter(d => d.kind === 'post')
    const communities = [...new Set(threads.map(d => d.communityId))]
    const feeds = new FeedCache(ports.cache)
    const ready = await Promise.all(communities.map(id => feeds.isReady(id)))
    const cold = new Set(communities.filter((_, i) => !ready[i]))
    for (const doc of threads) {
      if (cold.has(doc.communityId)) continue
      // Deleted posts, and posts held back by moderation, leave the shared feed.
      if (doc.deleted || doc.held) commands.push(['zRem', feedKey(doc.communityId), doc._id])
      else commands.push(['zAdd', feedKey(doc.communityId), scoreOf(doc._id), doc._id])
    }
    for (const id of communities) if (!cold.has(id)) commands.push(['zRemRangeByRank', feedKey(id), 0, -(FEED_LENGTH + 1)])
    await ports.cache.batch(commands)
    for (const id of cold) await warmFeed(ports, feeds, id)
  }
  else await ports.cache.batch(commands)
  for (const id of messageIds) await refreshMessage(ports, id)
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
