import type { Ports } from '../ports'
import type { Attachment, MediaUsage, UploadRequest, UploadTicket } from '../../shared/schemas/media'
import { MAX_ATTACHMENTS } from '../../shared/schemas/media'
import { newEvent } from '../pipeline/events'
import type { EventPublisher } from '../pipeline/publisher'
import { type Actor, requireActor } from '../domain/actor'
import { DomainError, conflict, notFound } from '../domain/errors'
import { newId } from '../domain/ids'
import type { MediaSettings } from './settings'
import { type MediaDoc, uploadKeyOf } from './model'

/** Reads a post as `actor` would, throwing when they may not: media attached to it follows the post. */
export type PostReadCheck = (actor: Actor | null, postId: string) => Promise<unknown>

/** Reads a chat message as `actor` would, throwing when they may not. */
export type MessageReadCheck = (actor: Actor | null, messageId: string) => Promise<unknown>

/** What the media route answers: a short-lived signed URL to go to, or the bytes themselves. */
export type MediaContent = { redirect: string } | { body: Uint8Array, contentType: string }

const tooLarge = (why: string) => new DomainError('too_large', why)
const invalid = (why: string) => new DomainError('invalid', why)

/**
 * Uploads (a ticket, the bytes, a confirm), attachments and reads of media. Every change is an
 * event; the worker's media consumer does the processing and the removals.
 */
export class MediaService {
  constructor(
    private readonly ports: Pick<Ports, 'store' | 'objects'>,
    private readonly publisher: EventPublisher,
    readonly settings: MediaSettings,
    private readonly canReadPost: PostReadCheck,
    /** The clock tickets expire by. */
    private readonly now: () => number = Date.now,
    /** Files sent in chat follow their message's room. */
    private readonly canReadMessage: MessageReadCheck | null = null,
  ) {}

  private get media() { return this.ports.store.collection<MediaDoc>('media') }

  async setup() {
    await this.media.createIndex({ postId: 1 })
    await this.media.createIndex({ messageId: 1 })
    await this.media.createIndex({ ownerId: 1, state: 1 })
  }

  /** A ticket for one file: where to PUT its bytes, checked against the limits first. */
  async requestUpload(actor: Actor | null, input: UploadRequest): Promise<UploadTicket> {
    const me = requireActor(actor)
    if (input.size > this.settings.maxBytes) throw tooLarge(`The file is larger than the limit of ${formatBytes(this.settings.maxBytes)}`)
    const used = (await this.kept(me.id)).reduce((sum, doc) => sum + doc.size, 0)
    if (used + input.size > this.settings.quotaBytes) throw tooLarge(`Your uploads would pass your quota of ${formatBytes(this.settings.quotaBytes)} (${formatBytes(used)} used): delete some posts with photos first`)
    const id = newId(this.now())
    const key = uploadKeyOf(me.id, id)
    const expiresAt = new Date(this.now() + this.settings.uploadSeconds * 1000).toISOString()
    await this.publisher.commit(newEvent('media', 'media.requested', id, id, { id, ownerId: me.id, filename: input.filename, contentType: input.contentType, size: input.size, key, expiresAt }, me.id))
    const doc = await this.owned(me, id)
    const url = this.ports.objects.presignedPut
      ? await this.ports.objects.presignedPut(key, input.contentType, this.settings.uploadSeconds)
      : `/api/media/${id}/content`
    return { media: viewOf(doc), upload: { method: 'PUT', url, headers: { 'content-type': input.contentType }, expiresAt, maxBytes: input.size } }
  }

  /**
   * Embedded mode's stand-in for the presigned PUT, with the same bounds: the ticket's owner, its
   * lifetime, its content type and no more bytes than it named. `read` collects the body and
   * stops (answering 413) as soon as it passes the limit.
   */
  async receive(actor: Actor | null, id: string, contentType: string | undefined, read: (limit: number) => Promise<Uint8Array | null>) {
    const me = requireActor(actor)
    if (this.ports.objects.presignedPut) throw conflict('Upload the file to the signed URL of its ticket')
    const doc = await this.owned(me, id)
    if (doc.state !== 'requested') throw conflict('This upload is already confirmed')
    if (Date.parse(doc.expiresAt) <= this.now()) throw new DomainError('gone', 'The upload ticket has expired: ask for a new one')
    if ((contentType ?? '').split(';')[0]!.trim().toLowerCase() !== doc.contentType) throw new DomainError('unsupported_type', `The upload must be sent as ${doc.contentType}, as its ticket says`)
    const body = await read(doc.size)
    if (!body) throw tooLarge(`The upload is larger than the ${doc.size} bytes its ticket allows`)
    await this.ports.objects.put(doc.key, body, doc.contentType)
  }

  /**
   * The owner says the bytes are uploaded: they must be there, exactly as many as the ticket
   * named (fewer is a truncated upload, more an oversized one; either is removed). Then the
   * upload is an event the worker processes.
   */
  async confirm(actor: Actor | null, id: string): Promise<Attachment> {
    const me = requireActor(actor)
    const doc = await this.owned(me, id)
    if (doc.state !== 'requested') return viewOf(doc)
    if (Date.parse(doc.expiresAt) <= this.now()) {
      await this.ports.objects.remove(doc.key)
      throw new DomainError('gone', 'The upload ticket has expired: ask for a new one')
    }
    const stored = await this.ports.objects.stat(doc.key)
    if (!stored) throw conflict('The file has not been uploaded yet')
    if (stored.size !== doc.size) {
      await this.ports.objects.remove(doc.key)
      if (stored.size > doc.size) throw tooLarge(`The upload is ${stored.size} bytes, more than the ${doc.size} its ticket allows; it was discarded`)
      throw invalid(`The upload is ${stored.size} bytes of the ${doc.size} announced: it was cut short and discarded`)
    }
    await this.publisher.commit(newEvent('media', 'media.uploaded', id, id, { id, ownerId: me.id, size: stored.size }, me.id))
    return viewOf(await this.owned(me, id))
  }

  /** What counts towards a person's quota: every upload not refused or deleted. */
  private kept(ownerId: string) {
    return this.media.find({ ownerId, state: { $in: ['requested', 'uploaded', 'ready'] } }, { sort: { _id: -1 } })
  }

  /** The caller's uploads, newest first, with sizes and the quota they count towards. */
  async usage(actor: Actor | null): Promise<MediaUsage> {
    const me = requireActor(actor)
    const docs = await this.kept(me.id)
    return {
      items: docs.map(doc => ({
        ...viewOf(doc), size: doc.size, createdAt: doc.createdAt,
        attachedTo: doc.postId ? { kind: 'post' as const, id: doc.postId } : doc.messageId ? { kind: 'message' as const, id: doc.messageId } : null,
      })),
      usedBytes: docs.reduce((sum, doc) => sum + doc.size, 0),
      quotaBytes: this.settings.quotaBytes,
    }
  }

  /** The caller's own media, by id; someone else's is not found (its id says nothing). */
  private async owned(me: Actor, id: string): Promise<MediaDoc> {
    const doc = await this.media.findOne({ _id: id })
    if (!doc || doc.ownerId !== me.id || doc.state === 'deleted') throw notFound('Upload')
    return doc
  }

  /**
   * Files a new post or reply may carry: the writer's own, confirmed, refused by nobody, on no
   * other content yet.
   */
  async attachable(actor: Actor, ids: string[]): Promise<string[]> {
    if (!ids.length) return []
    if (ids.length > MAX_ATTACHMENTS) throw invalid(`At most ${MAX_ATTACHMENTS} files`)
    const docs = new Map((await this.media.find({ _id: { $in: ids } })).map(d => [d._id, d]))
    for (const id of ids) {
      const doc = docs.get(id)
      if (!doc || doc.ownerId !== actor.id || doc.state === 'deleted') throw invalid(`Attachment ${id} is not one of your uploads`)
      if (doc.state === 'requested') throw conflict(`Attachment ${doc.filename} is not uploaded yet: confirm it first`)
      if (doc.state === 'rejected') throw invalid(`Attachment ${doc.filename} was refused: ${doc.reason ?? 'not an image we accept'}`)
      if (doc.postId || doc.messageId) throw conflict(`Attachment ${doc.filename} is already on another post or message`)
    }
    return ids
  }

  /** The attachments of many posts in one query, by media id. */
  async viewsByIds(ids: string[]): Promise<Map<string, Attachment>> {
    if (!ids.length) return new Map()
    const docs = await this.media.find({ _id: { $in: [...new Set(ids)] } })
    return new Map(docs.filter(d => d.state !== 'deleted').map(d => [d._id, viewOf(d)]))
  }

  /** The files of many chat messages in one query, in the order they were uploaded. */
  async viewsByMessages(messageIds: string[]): Promise<Map<string, Attachment[]>> {
    const byMessage = new Map<string, Attachment[]>()
    if (!messageIds.length) return byMessage
    for (const doc of await this.media.find({ messageId: { $in: [...new Set(messageIds)] } }, { sort: { _id: 1 } })) {
      if (doc.state === 'deleted' || !doc.messageId) continue
      byMessage.set(doc.messageId, [...(byMessage.get(doc.messageId) ?? []), viewOf(doc)])
    }
    return byMessage
  }

  /**
   * A rendition, for whoever may read what it is attached to (the same checks as the post); an
   * unattached upload only for its owner. Absent, deleted and unreadable all answer 404.
   */
  async content(actor: Actor | null, id: string, size: 'small' | 'large'): Promise<MediaContent> {
    const doc = await this.media.findOne({ _id: id })
    if (!doc || doc.state === 'deleted') throw notFound('Media')
    if (doc.postId) {
      await this.canReadPost(actor, doc.postId).catch(() => { throw notFound('Media') })
    }
    else if (doc.messageId) {
      if (!this.canReadMessage) throw notFound('Media')
      await this.canReadMessage(actor, doc.messageId).catch(() => { throw notFound('Media') })
    }
    else if (!actor || actor.id !== doc.ownerId) throw notFound('Media')
    if (doc.state === 'rejected') throw new DomainError('gone', `This file was refused: ${doc.reason ?? 'not an image we accept'}`)
    if (doc.state !== 'ready' || !doc.renditions) throw conflict('This file is still being processed')
    const key = doc.renditions[size]
    if (this.ports.objects.presignedGet) return { redirect: await this.ports.objects.presignedGet(key, this.settings.readSeconds) }
    const object = await this.ports.objects.get(key)
    if (!object) throw notFound('Media')
    return { body: object.body, contentType: object.contentType }
  }
}

/** What a post shows of one attached file. */
export function viewOf(doc: MediaDoc): Attachment {
  const ready = doc.state === 'ready'
  return {
    id: doc._id, filename: doc.filename,
    status: doc.state === 'requested' ? 'pending' : doc.state === 'uploaded' ? 'processing' : doc.state === 'ready' ? 'ready' : 'rejected',
    width: doc.width, height: doc.height, blurhash: doc.blurhash,
    smallUrl: ready ? `/api/media/${doc._id}?size=small` : null,
    largeUrl: ready ? `/api/media/${doc._id}?size=large` : null,
    reason: doc.state === 'rejected' ? doc.reason : null,
  }
}

export const formatBytes = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 102.4) / 10} MiB` : `${Math.round(bytes / 102.4) / 10} KiB`)
