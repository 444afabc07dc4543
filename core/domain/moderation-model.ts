import type { DocumentStore } from '../ports'
import type { FlagSource } from '../../shared/schemas/moderation'

/** How the moderation queue, bans, reports and settings are stored: the persister writes them, the domain reads them. */

/** One reason a post is in the queue; the key keeps a redelivered flag from adding it twice. */
export interface QueueReasonDoc { key: string, source: FlagSource, detail: string, at: string, reporterId: string | null }

/** The moderators' queue: one item per post, open until a moderator decides. */
export interface QueueItemDoc {
  _id: string
  communityId: string
  kind: 'approval' | 'flag'
  open: boolean
  reasons: QueueReasonDoc[]
  openedAt: string
  seq: string
  closedAt?: string
  resolution?: 'approved' | 'rejected' | 'dismissed' | 'removed'
}

export interface BanDoc { _id: string, communityId: string, userId: string, mode: 'mute' | 'ban', until: string | null, reason: string, at: string, byId: string | null }
/** One immutable version of a ban: imposed, or lifted early (with why and by whom). */
export interface BanVersionDoc extends Omit<BanDoc, '_id'> { _id: string, lifted: boolean }

export const queue = (store: DocumentStore) => store.collection<QueueItemDoc>('moderation_queue')
export const bans = (store: DocumentStore) => store.collection<BanDoc>('bans')
/** Whether a ban or mute still runs at `now` (one without an end always does). */
export const isRunning = (ban: BanDoc, now: number) => ban.until === null || Date.parse(ban.until) > now
export const banVersions = (store: DocumentStore) => store.collection<BanVersionDoc>('ban_versions')
export const reports = (store: DocumentStore) => store.collection<{ _id: string, postId: string, communityId: string, userId: string, reason: string, at: string }>('reports')
export const moderationSettings = (store: DocumentStore) => store.collection<{ _id: string, settings: Record<string, unknown>, updatedAt: string }>('moderation_settings')
