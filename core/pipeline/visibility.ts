import type { Ports } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import type { PostDoc } from '../domain/posts-model'
import { POSTS_INDEX } from '../domain/posts-model'

/** Posts re-indexed per bulk request when a community's visibility changes. */
const BATCH = 500

/**
 * What the search index stored about a community's posts (their visibility) goes stale when the
 * community changes visibility: every post of it is written again, in bulk. Search also filters
 * by what the reader may read at query time, so this keeps the index honest, not the reader safe.
 */
export async function reindexAfterVisibilityChange({ store, search }: Pick<Ports, 'store' | 'search'>, event: CloudEvent) {
  const changes = (event.data as { changes?: { visibility?: string } }).changes
  if (event.type !== 'c18n.community.updated' || !changes?.visibility) return
  const communityId = String(event.data.id)
  const community = await store.collection<{ _id: string, visibility: string }>('communities').findOne({ _id: communityId })
  if (!community) return
  const posts = await store.collection<PostDoc>('posts').find({ communityId, deleted: false, held: { $ne: true } })
  const authors = new Map((await store.collection<{ _id: string, handle: string }>('users').find({ _id: { $in: [...new Set(posts.map(p => p.authorId))] } })).map(u => [u._id, u.handle]))
  for (let at = 0; at < posts.length; at += BATCH) {
    await search.putMany(POSTS_INDEX, posts.slice(at, at + BATCH).map(post => ({
      id: post._id,
      document: {
        title: post.title, body: post.body, tags: post.tags, communityId: post.communityId, authorId: post.authorId, authorHandle: authors.get(post.authorId) ?? '',
        kind: post.kind, rootId: post.rootId, visibility: community.visibility, createdAt: post.createdAt,
      },
    })))
  }
}
