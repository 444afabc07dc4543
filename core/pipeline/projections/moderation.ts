import type { DocumentStore } from '../../ports'
import type { ModerationState } from '../../../shared/schemas/post'
import type { CloudEvent } from '../../../shared/schemas/events'
import type { PostDoc, PostVersionDoc } from '../../domain/posts-model'
import { type BanDoc, type BanVersionDoc, type QueueItemDoc, type QueueReasonDoc, banVersions, bans, moderationSettings, queue, reports } from '../../domain/moderation-model'
import { insertOnce, materialise, recount } from './post-writes'
import type { Projection } from './types'
import { applied, rejected, sequenceOf } from './types'

const posts = (store: DocumentStore) => store.collection<PostDoc>('posts')

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEvent = CloudEvent<Record<string, any>>

export async function openApproval(store: DocumentStore, event: AnyEvent) {
  await insertOnce(store, 'moderation_queue', {
    _id: event.data.id, communityId: event.data.communityId, kind: 'approval', open: true,
    reasons: [], openedAt: event.time, seq: sequenceOf(event),
  } satisfies QueueItemDoc)
}

/** A new immutable version that changes only the post's standing (and, for a removal, its content). */
async function newStanding(store: DocumentStore, event: AnyEvent, current: PostDoc, moderation: ModerationState, reason: string, deleted = current.deleted) {
  await insertOnce(store, 'post_versions', {
    _id: event.id, postId: current._id, at: event.time, communityId: current.communityId, authorId: current.authorId, parentId: current.parentId,
    rootId: current.rootId, kind: current.kind, title: current.title, body: deleted ? '' : current.body, tags: current.tags, deleted,
    editorId: event.actorid ?? '', moderation, reason,
  } satisfies PostVersionDoc)
  await materialise(store, current._id)
  // A reply that appears or disappears changes the counts its parent and root show.
  for (const related of new Set([current.parentId, current.rootId].filter((r): r is string => !!r && r !== current._id))) await recount(store, related)
}

async function close(store: DocumentStore, postId: string, resolution: NonNullable<QueueItemDoc['resolution']>, time: string) {
  await queue(store).updateOne({ _id: postId }, { $set: { open: false, resolution, closedAt: time } })
}

/** Moderation decisions and flags, reports and bans. */
export const moderationProjections: Record<string, Projection> = {
  'c18n.post.approved': async (event, store) => {
    const current = await posts(store).findOne({ _id: event.data.id })
    if (!current) return rejected('The post does not exist')
    if ((await store.collection('post_versions').findOne({ _id: event.id })) === null && current.moderation !== 'pending') return rejected('The post is not awaiting approval')
    await newStanding(store, event, current, 'published', 'approved')
    await close(store, current._id, 'approved', event.time)
    return applied
  },
  'c18n.post.rejected': async (event, store) => {
    const current = await posts(store).findOne({ _id: event.data.id })
    if (!current) return rejected('The post does not exist')
    if ((await store.collection('post_versions').findOne({ _id: event.id })) === null && current.moderation !== 'pending') return rejected('The post is not awaiting approval')
    await newStanding(store, event, current, 'rejected', event.data.reason)
    await close(store, current._id, 'rejected', event.time)
    return applied
  },
  'c18n.post.reported': async ({ data, time }, store) => {
    await reports(store).replaceOne({ _id: `${data.id}:${data.userId}`, postId: data.id, communityId: data.communityId, userId: data.userId, reason: data.reason, at: time })
    return applied
  },
  'c18n.post.flagged': async (event, store) => {
    const { data, time } = event
    const current = await posts(store).findOne({ _id: data.id })
    if (!current) return rejected('The post does not exist')
    const reasons: QueueReasonDoc[] = (data.reasons as string[]).map(detail => ({ key: `${data.source}:${data.reporterId ?? ''}:${detail}`, source: data.source, detail, at: time, reporterId: data.reporterId ?? null }))
    const item = await queue(store).findOne({ _id: data.id })
    if (!item || !item.open) {
      await queue(store).replaceOne({ _id: data.id, communityId: current.communityId, kind: 'flag', open: true, reasons, openedAt: time, seq: sequenceOf(event) })
    }
    else {
      const known = new Set(item.reasons.map(r => r.key))
      await queue(store).updateOne({ _id: data.id }, { $set: { reasons: [...item.reasons, ...reasons.filter(r => !known.has(r.key))] } })
    }
    // A pending post is already hidden; a deleted one has nothing left to hide.
    if (data.action === 'hide' && (current.moderation ?? 'published') === 'published' && !current.deleted) {
      await newStanding(store, event, current, 'hidden', `flagged: ${(data.reasons as string[]).join('; ')}`)
    }
    return applied
  },
  'c18n.flag.dismissed': async (event, store) => {
    const current = await posts(store).findOne({ _id: event.data.id })
    const item = await queue(store).findOne({ _id: event.data.id })
    if (!current || !item) return rejected('The post has no flag')
    if (!item.open && item.resolution !== 'dismissed') return rejected('The flag was already dealt with')
    if (current.moderation === 'hidden') await newStanding(store, event, current, 'published', event.data.note ? `flag dismissed: ${event.data.note}` : 'flag dismissed')
    await close(store, current._id, 'dismissed', event.time)
    return applied
  },
  'c18n.post.removed': async (event, store) => {
    const current = await posts(store).findOne({ _id: event.data.id })
    if (!current) return rejected('The post does not exist')
    if (current.moderation !== 'removed') await newStanding(store, event, current, 'removed', event.data.reason, true)
    await close(store, current._id, 'removed', event.time)
    return applied
  },
  'c18n.member.banned': async ({ id, data, time, actorid }, store) => {
    const ban: BanDoc = { _id: `${data.communityId}:${data.userId}`, communityId: data.communityId, userId: data.userId, mode: data.mode, until: data.until, reason: data.reason, at: time, byId: actorid ?? null }
    await insertOnce(store, 'ban_versions', { ...ban, _id: id, lifted: false } satisfies BanVersionDoc)
    await bans(store).replaceOne(ban)
    return applied
  },
  'c18n.member.unbanned': async ({ id, data, time, actorid }, store) => {
    const current = await bans(store).findOne({ _id: `${data.communityId}:${data.userId}` })
    if (!current) return (await banVersions(store).findOne({ _id: id })) ? applied : rejected('There is no ban or mute to lift')
    await insertOnce(store, 'ban_versions', { ...current, _id: id, at: time, byId: actorid ?? null, reason: data.reason, lifted: true } satisfies BanVersionDoc)
    await bans(store).deleteOne({ _id: current._id })
    return applied
  },
  'c18n.community.moderation_changed': async ({ data, time }, store) => {
    await moderationSettings(store).replaceOne({ _id: data.id, settings: data.settings, updatedAt: time })
    return applied
  },
}
