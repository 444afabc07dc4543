import type { OutgoingMessage, Ports } from '../ports'
import type { CloudEvent } from '../../shared/schemas/events'
import { topicOf } from '../../shared/schemas/events'
import { type PendingEvent, newEvent } from '../pipeline/events'
import { processImage } from './images'
import { type MediaDoc, objectKeysOf, renditionKeysOf } from './model'
import type { MediaSettings } from './settings'

const WORKER = 'media-worker'

/**
 * The media consumer, a batch of applied events at a time:
 * - an upload confirmed: read the original back, make the renditions, then publish what came of
 *   it (processed, or rejected with the reason); the original goes either way, as it may carry
 *   EXIF and GPS data the renditions do not;
 * - a post deleted or removed by a moderator, a chat message deleted: a tombstone for each of its files;
 * - a tombstone: the file's objects removed, all of the batch's in one request.
 * What it publishes goes out in one produce call; a redelivered batch finds the items moved on
 * (only an `uploaded` item is processed, tombstones are idempotent).
 */
export async function handleMediaEvents(ports: Pick<Ports, 'store' | 'objects' | 'bus'>, events: CloudEvent[], settings: MediaSettings, log: (line: string) => void = () => {}) {
  const media = ports.store.collection<MediaDoc>('media')
  const uploaded = events.filter(e => e.type === 'c18n.media.uploaded').map(e => String(e.data.id))
  const deletedPosts = events.filter(e => e.type === 'c18n.post.deleted' || e.type === 'c18n.post.removed')
  const deletedMessages = events.filter(e => e.type === 'c18n.message.deleted').map(e => String(e.data.id))
  const tombstoned = events.filter(e => e.type === 'c18n.media.deleted').map(e => String(e.data.id))
  const out: PendingEvent[] = []
  const removals: string[] = []

  if (uploaded.length) {
    for (const doc of await media.find({ _id: { $in: uploaded }, state: 'uploaded' })) {
      const started = Date.now()
      const original = await ports.objects.get(doc.key)
      const result = original ? await processImage(original.body, settings) : { ok: false as const, reason: 'The upload is gone from storage' }
      if (result.ok) {
        const keys = renditionKeysOf(doc._id)
        await Promise.all([ports.objects.put(keys.small, result.renditions.small, 'image/webp'), ports.objects.put(keys.large, result.renditions.large, 'image/webp')])
        const { width, height, blurhash, detectedType } = result.renditions
        out.push(newEvent('media', 'media.processed', doc._id, doc._id, { id: doc._id, width, height, blurhash, detectedType, renditions: keys }, WORKER))
        log(`media ${doc._id}: ${width}×${height} ${detectedType} in ${Date.now() - started} ms`)
      }
      else {
        out.push(newEvent('media', 'media.rejected', doc._id, doc._id, { id: doc._id, reason: result.reason.slice(0, 500) }, WORKER))
        log(`media ${doc._id} refused: ${result.reason}`)
      }
      removals.push(doc.key)
    }
  }

  if (deletedPosts.length) {
    const reasonOf = new Map(deletedPosts.map(e => [String(e.data.id), e.type === 'c18n.post.removed' ? 'post_removed' as const : 'post_deleted' as const]))
    for (const doc of await media.find({ postId: { $in: [...reasonOf.keys()] }, state: { $ne: 'deleted' } })) {
      out.push(newEvent('media', 'media.deleted', doc._id, doc._id, { id: doc._id, reason: reasonOf.get(doc.postId!)! }, WORKER))
    }
  }

  if (deletedMessages.length) {
    for (const doc of await media.find({ messageId: { $in: deletedMessages }, state: { $ne: 'deleted' } })) {
      out.push(newEvent('media', 'media.deleted', doc._id, doc._id, { id: doc._id, reason: 'message_deleted' }, WORKER))
    }
  }

  if (tombstoned.length) {
    for (const doc of await media.find({ _id: { $in: tombstoned } })) removals.push(...objectKeysOf(doc))
  }

  // Published before the originals go: a crash in between leaves an object, not a lost result.
  if (out.length) {
    const messages: OutgoingMessage[] = out.map(p => ({ key: p.key, value: JSON.stringify(p.event), headers: { 'ce-type': p.event.type } }))
    await ports.bus.publish(topicOf('media'), messages)
  }
  if (removals.length) await ports.objects.removeMany(removals)
}
