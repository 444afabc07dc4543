import type { DocumentStore } from '../../ports'
import type { MediaDoc } from '../../media/model'
import type { Projection } from './types'
import { applied, rejected } from './types'
import { insertOnce } from './post-writes'

const media = (store: DocumentStore) => store.collection<MediaDoc>('media')

/**
 * Each step moves a media item forward from the state before it only, so a redelivered or late
 * event (a second confirm, a processing result for a deleted item) changes nothing.
 */
export const mediaProjections: Record<string, Projection> = {
  'c18n.media.requested': async ({ data, time }, store) => {
    await insertOnce<MediaDoc>(store, 'media', {
      _id: data.id, ownerId: data.ownerId, filename: data.filename, contentType: data.contentType, size: data.size, key: data.key,
      state: 'requested', createdAt: time, expiresAt: data.expiresAt, postId: null, communityId: null, messageId: null, roomId: null,
      width: null, height: null, blurhash: null, detectedType: null, renditions: null, reason: null,
    })
    return applied
  },
  'c18n.media.uploaded': async ({ data }, store) => {
    const doc = await media(store).findOne({ _id: data.id })
    if (!doc || doc.ownerId !== data.ownerId) return rejected('No such upload')
    if (doc.state === 'requested') await media(store).updateOne({ _id: data.id, state: 'requested' }, { $set: { state: 'uploaded' } })
    return applied
  },
  'c18n.media.processed': async ({ data }, store) => {
    await media(store).updateOne({ _id: data.id, state: 'uploaded' }, { $set: {
      state: 'ready', width: data.width, height: data.height, blurhash: data.blurhash, detectedType: data.detectedType, renditions: data.renditions,
    } })
    return applied
  },
  'c18n.media.rejected': async ({ data }, store) => {
    await media(store).updateOne({ _id: data.id, state: 'uploaded' }, { $set: { state: 'rejected', reason: data.reason } })
    return applied
  },
  'c18n.media.deleted': async ({ data }, store) => {
    await media(store).updateOne({ _id: data.id }, { $set: { state: 'deleted', reason: data.reason } })
    return applied
  },
}

/** A new post takes its files: each the author's own and on no other post or message yet. */
export async function attachMedia(store: DocumentStore, ids: string[], post: { id: string, communityId: string, authorId: string }) {
  await Promise.all(ids.map(id => media(store).updateOne({ _id: id, ownerId: post.authorId, postId: null, messageId: null }, { $set: { postId: post.id, communityId: post.communityId } })))
}

/** A new chat message takes its files, the same way. */
export async function attachMediaToMessage(store: DocumentStore, ids: string[], message: { id: string, roomId: string, authorId: string }) {
  await Promise.all(ids.map(id => media(store).updateOne({ _id: id, ownerId: message.authorId, postId: null, messageId: null }, { $set: { messageId: message.id, roomId: message.roomId } })))
}
