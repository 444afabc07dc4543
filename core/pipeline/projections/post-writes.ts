import type { DocumentStore } from '../../ports'
import { DuplicateKeyError } from '../../ports'
import { REACTION_KINDS } from '../../../shared/schemas/events'
import { type PostDoc, type PostVersionDoc, isHeld } from '../../domain/posts-model'

// The writes that keep a post's current view from its versions, shared by the projections of
// posts, of moderation decisions and of batches (so that none of them imports another).
const versions = (store: DocumentStore) => store.collection<PostVersionDoc>('post_versions')
export const posts = (store: DocumentStore) => store.collection<PostDoc>('posts')

export async function insertOnce<T extends { _id: string }>(store: DocumentStore, collection: string, doc: T) {
  await store.collection<T>(collection).insertOne(doc).catch((error) => {
    if (!(error instanceof DuplicateKeyError)) throw error
  })
}

/** Counts are recounted from the facts, so a redelivered event cannot count twice. */
export async function recount(store: DocumentStore, postId: string) {
  await recountMany(store, [postId])
}

/**
 * Recounts many posts with one query per kind of fact (replies, reactions, shares) and one update
 * per post: a batch recounts each post it touched once.
 */
export async function recountMany(store: DocumentStore, postIds: Iterable<string>) {
  const ids = [...new Set(postIds)]
  if (!ids.length) return
  const found = await posts(store).find({ _id: { $in: ids } })
  if (!found.length) return
  const threads = found.filter(p => p.kind === 'post').map(p => p._id)
  const replies = found.filter(p => p.kind !== 'post').map(p => p._id)
  const visible = { deleted: false, held: { $ne: true } } as const
  const [threadReplies, replyReplies, reactions, shares] = await Promise.all([
    threads.length ? posts(store).find({ rootId: { $in: threads }, kind: 'reply', ...visible }) : [],
    replies.length ? posts(store).find({ parentId: { $in: replies }, ...visible }) : [],
    store.collection<{ _id: string, postId: string, kind: string }>('reactions').find({ postId: { $in: found.map(p => p._id) } }),
    store.collection<{ _id: string, postId: string }>('shares').find({ postId: { $in: found.map(p => p._id) } }),
  ])
  const tally = (keys: string[]) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>())
  const threadCounts = tally(threadReplies.map(r => r.rootId))
  const replyCounts = tally(replyReplies.map(r => r.parentId ?? ''))
  const reactionCounts = tally(reactions.map(r => `${r.postId}\n${r.kind}`))
  const shareCounts = tally(shares.map(r => r.postId))
  await Promise.all(found.map(post => posts(store).updateOne({ _id: post._id }, { $set: {
    replyCount: (post.kind === 'post' ? threadCounts : replyCounts).get(post._id) ?? 0,
    reactionCounts: Object.fromEntries(REACTION_KINDS.map(kind => [kind, reactionCounts.get(`${post._id}\n${kind}`) ?? 0])),
    shareCount: shareCounts.get(post._id) ?? 0,
  } })))
}

/** The current post is the latest of its immutable versions. */
export async function materialise(store: DocumentStore, postId: string) {
  const all = await versions(store).find({ postId }, { sort: { at: 1, _id: 1 } })
  const first = all[0]
  const latest = all.at(-1)
  if (!first || !latest) return
  const existing = await posts(store).findOne({ _id: postId })
  const moderation = latest.moderation ?? 'published'
  await posts(store).replaceOne({
    _id: postId, communityId: first.communityId, authorId: first.authorId, parentId: first.parentId, rootId: first.rootId, kind: first.kind,
    title: latest.title, body: latest.deleted ? '' : latest.body, tags: latest.tags, deleted: latest.deleted,
    createdAt: first.at, updatedAt: latest.at, version: all.length,
    replyCount: existing?.replyCount ?? 0, reactionCounts: existing?.reactionCounts ?? {}, shareCount: existing?.shareCount ?? 0,
    moderation, held: isHeld(moderation), attachments: existing?.attachments ?? [],
  })
}
