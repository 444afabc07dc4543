import { type PostCreatedData, type PostVersionDoc, postOfCreated } from '../../domain/posts-model'
import { insertOnce, materialise, posts, recount } from './post-writes'
import type { Projection } from './types'
import { applied, rejected } from './types'
import { openApproval } from './moderation'
import { attachMedia } from './media'

/** posts (and replies), reactions and shares. */
export const postProjections: Record<string, Projection> = {
  'c18n.post.created': async (event, store) => {
    const { id, data, time } = event
    const moderation = data.moderation === 'pending' ? 'pending' : 'published'
    const version: PostVersionDoc = { _id: id, postId: data.id, at: time, communityId: data.communityId, authorId: data.authorId, parentId: data.parentId, rootId: data.rootId, kind: data.parentId ? 'reply' : 'post', title: data.title, body: data.body, tags: data.tags, deleted: false, editorId: data.authorId, moderation }
    await insertOnce(store, 'post_versions', version)
    // A new post is its first version: written straight from the event, no query over the versions.
    await insertOnce(store, 'posts', postOfCreated(data as PostCreatedData, time))
    if (data.attachments?.length) await attachMedia(store, data.attachments, { id: data.id, communityId: version.communityId, authorId: version.authorId })
    if (moderation === 'pending') await openApproval(store, event)
    if (data.parentId) {
      await recount(store, data.parentId)
      if (data.rootId !== data.parentId) await recount(store, data.rootId)
    }
    return applied
  },
  'c18n.post.edited': async ({ id, data, time, actorid }, store) => {
    const current = await posts(store).findOne({ _id: data.id })
    if (!current) return rejected('The post does not exist')
    await insertOnce(store, 'post_versions', { _id: id, postId: data.id, at: time, communityId: current.communityId, authorId: current.authorId, parentId: current.parentId, rootId: current.rootId, kind: current.kind, title: data.title, body: data.body, tags: data.tags, deleted: false, editorId: actorid ?? current.authorId, moderation: current.moderation ?? 'published' } as PostVersionDoc)
    await materialise(store, data.id)
    return applied
  },
  'c18n.post.deleted': async ({ id, data, time, actorid }, store) => {
    const current = await posts(store).findOne({ _id: data.id })
    if (!current) return rejected('The post does not exist')
    await insertOnce(store, 'post_versions', { _id: id, postId: data.id, at: time, communityId: current.communityId, authorId: current.authorId, parentId: current.parentId, rootId: current.rootId, kind: current.kind, title: current.title, body: '', tags: current.tags, deleted: true, editorId: actorid ?? current.authorId, moderation: current.moderation ?? 'published' } as PostVersionDoc)
    await materialise(store, data.id)
    if (current.parentId) {
      await recount(store, current.parentId)
      if (current.rootId !== current.parentId) await recount(store, current.rootId)
    }
    return applied
  },
  'c18n.reaction.added': async ({ data, time }, store) => {
    await insertOnce(store, 'reactions', { _id: `${data.postId}:${data.userId}:${data.kind}`, postId: data.postId, communityId: data.communityId, userId: data.userId, kind: data.kind, at: time } as never)
    await recount(store, data.postId)
    return applied
  },
  'c18n.reaction.removed': async ({ data }, store) => {
    await store.collection('reactions').deleteOne({ _id: `${data.postId}:${data.userId}:${data.kind}` })
    await recount(store, data.postId)
    return applied
  },
  'c18n.share.created': async ({ data, time }, store) => {
    await insertOnce(store, 'shares', { _id: data.id, postId: data.postId, communityId: data.communityId, userId: data.userId, target: data.target, at: time } as never)
    await recount(store, data.postId)
    return applied
  },
}
