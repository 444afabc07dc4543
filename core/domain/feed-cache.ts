import type { Cache } from '../ports'
import type { Page } from './pagination'
import type { PostDoc } from './posts-model'

/** How many of a community's newest posts the cache keeps. */
export const FEED_LENGTH = 200
export const POST_TTL_SECONDS = 24 * 60 * 60

export const feedKey = (communityId: string) => `feed:${communityId}`
export const feedReadyKey = (communityId: string) => `feed:${communityId}:ready`
export const postKey = (postId: string) => `post:${postId}`
export const profileKey = (userId: string) => `profile:${userId}`

/** The creation time hidden in a time-ordered id: the feed's sort score. */
export const scoreOf = (id: string) => Number.parseInt(id.slice(0, 9), 36)

const encode = (id: string) => Buffer.from(JSON.stringify({ v: id })).toString('base64url')
function decode(cursor: string): string | null {
  try {
    const v = (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown }).v
    return typeof v === 'string' ? v : null
  }
  catch {
    return null
  }
}

/**
 * The speed path of a community feed: newest post ids in a sorted set, post snapshots beside
 * them. A feed is served from here only once the cacher has filled it ("ready"); anything
 * missing sends the read back to the store.
 */
export class FeedCache {
  constructor(private readonly cache: Cache) {}

  async page(communityId: string, query: { cursor?: string, limit: number }): Promise<Page<PostDoc> | null> {
    if (!(await this.cache.get(feedReadyKey(communityId)))) return null
    const after = query.cursor ? decode(query.cursor) : null
    if (query.cursor && !after) return null
    const max = after ? scoreOf(after) : Number.POSITIVE_INFINITY
    const entries = await this.cache.zRevRangeByScore(feedKey(communityId), max, query.limit + 50)
    const ids = entries.map(e => e.member).filter(id => !after || id < after).sort().reverse()
    const pageIds = ids.slice(0, query.limit)
    const docs = await Promise.all(pageIds.map(async id => this.cache.get(postKey(id))))
    if (docs.some(doc => doc === null)) return null
    const items = docs.map(doc => JSON.parse(doc!) as PostDoc)
    const more = ids.length > query.limit || (pageIds.length === query.limit && entries.length === query.limit + 50)
    return { items, nextCursor: more && pageIds.length ? encode(pageIds.at(-1)!) : null }
  }

  async putPost(doc: PostDoc) {
    await this.cache.set(postKey(doc._id), JSON.stringify(doc), POST_TTL_SECONDS)
  }

  async addToFeed(doc: PostDoc) {
    await this.cache.zAdd(feedKey(doc.communityId), scoreOf(doc._id), doc._id)
    await this.cache.zRemRangeByRank(feedKey(doc.communityId), 0, -(FEED_LENGTH + 1))
  }

  async removeFromFeed(doc: PostDoc) {
    await this.cache.zRem(feedKey(doc.communityId), doc._id)
  }

  async markReady(communityId: string) {
    await this.cache.set(feedReadyKey(communityId), '1')
  }

  isReady(communityId: string) {
    return this.cache.get(feedReadyKey(communityId)).then(Boolean)
  }
}
