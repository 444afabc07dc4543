import type { ImageType } from '../../shared/schemas/media'

/**
 * requested: a ticket was issued; uploaded: the owner confirmed the bytes are there; ready: the
 * worker made the renditions; rejected: the worker refused the bytes; deleted: a tombstone.
 */
export type MediaState = 'requested' | 'uploaded' | 'ready' | 'rejected' | 'deleted'

export interface MediaDoc {
  _id: string
  ownerId: string
  /** As the person's device named it: shown, never part of a key. */
  filename: string
  /** What the owner declared; the worker trusts only what the bytes say (detectedType). */
  contentType: ImageType
  size: number
  /** Where the original upload lives until the worker has read it. */
  key: string
  state: MediaState
  createdAt: string
  /** After this the ticket is void and an unconfirmed upload is refused. */
  expiresAt: string
  postId: string | null
  communityId: string | null
  /** Or the chat message it was sent with, and its room (absent on items from before chat attachments). */
  messageId?: string | null
  roomId?: string | null
  width: number | null
  height: number | null
  blurhash: string | null
  detectedType: string | null
  renditions: { small: string, large: string } | null
  reason: string | null
}

/** The original's key: under the owner, named by the media id alone (never by the file's name). */
export const uploadKeyOf = (ownerId: string, id: string) => `uploads/${ownerId}/${id}`
export const renditionKeysOf = (id: string) => ({ small: `media/${id}/small.webp`, large: `media/${id}/large.webp` })

/** Every object a media item may have left in the store: removed together. */
export const objectKeysOf = (doc: Pick<MediaDoc, '_id' | 'key'>) => [doc.key, ...Object.values(renditionKeysOf(doc._id))]
