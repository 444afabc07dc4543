import { z } from 'zod'
import { REACTION_KINDS } from './events'
import { FLAG_SOURCES, moderationSettingsSchema } from './moderation'
import { IMAGE_TYPES, MAX_ATTACHMENTS } from './media'

// What each event type carries. Consumers check it before acting: an event that does not
// match is poison and goes to the dead-letter topic, whoever put it on the bus.
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/)
const text = (max: number) => z.string().max(max)
const tags = z.array(text(30)).max(12)

const communityFields = {
  slug: text(40), name: text(80), description: text(2000), topics: tags,
  visibility: z.enum(['public', 'private']), postsNeedApproval: z.boolean(),
}
const userFields = { handle: text(40), displayName: text(60), bio: text(500), interests: tags, avatarUrl: text(500).nullable() }

export const eventDataSchemas: Record<string, z.ZodType> = {
  'c18n.user.registered': z.object({ id, ...userFields, role: z.enum(['user', 'admin']) }),
  'c18n.user.updated': z.object({ id, changes: z.object(userFields).partial().strict() }),
  'c18n.user.identity_linked': z.object({ id, provider: text(40), subject: text(255) }),
  'c18n.user.banned': z.object({ id, reason: text(500) }),
  'c18n.user.unbanned': z.object({ id }),
  'c18n.group.created': z.object({ id, name: text(60), ownerId: id, memberIds: z.array(id).max(200) }),
  'c18n.group.renamed': z.object({ id, name: text(60) }),
  'c18n.group.member_added': z.object({ id, userId: id }),
  'c18n.group.member_removed': z.object({ id, userId: id }),
  'c18n.group.deleted': z.object({ id }),
  'c18n.community.created': z.object({ id, ...communityFields, ownerId: id }),
  'c18n.community.updated': z.object({ id, communityId: id.optional(), changes: z.object(communityFields).partial().omit({ slug: true }).strict() }),
  'c18n.membership.joined': z.object({ communityId: id, userId: id }),
  'c18n.membership.role_changed': z.object({ communityId: id, userId: id, role: z.enum(['moderator', 'member']) }),
  'c18n.membership.muted': z.object({ communityId: id, userId: id, muted: z.boolean() }),
  'c18n.membership.left': z.object({ communityId: id, userId: id, removedBy: id.optional() }),
  'c18n.post.created': z.object({ id, communityId: id, authorId: id, parentId: id.nullable(), rootId: id, title: text(200), body: text(20_000), tags, moderation: z.literal('pending').optional(), attachments: z.array(id).max(MAX_ATTACHMENTS).optional() }),
  'c18n.post.edited': z.object({ id, title: text(200), body: text(20_000), tags }),
  'c18n.post.deleted': z.object({ id, communityId: id.optional(), deletedBy: id }),
  'c18n.reaction.added': z.object({ postId: id, communityId: id, userId: id, kind: z.enum(REACTION_KINDS), authorId: id.optional() }),
  'c18n.reaction.removed': z.object({ postId: id, communityId: id, userId: id, kind: z.enum(REACTION_KINDS) }),
  'c18n.message.sent': z.object({ id, roomId: text(80), authorId: id, parentId: id.nullable(), body: text(4000), attachments: z.array(id).max(MAX_ATTACHMENTS).optional() }),
  'c18n.message.edited': z.object({ id, roomId: text(80), body: text(4000) }),
  'c18n.message.deleted': z.object({ id, roomId: text(80), deletedBy: id }),
  'c18n.message.reacted': z.object({ id, roomId: text(80), userId: id, kind: z.enum(REACTION_KINDS), on: z.boolean() }),
  'c18n.conversation.started': z.object({ id, participantIds: z.array(id).min(2).max(8) }),
  'c18n.share.created': z.object({ id, postId: id, communityId: id, userId: id, authorId: id.optional(), url: text(500), target: z.object({ type: z.enum(['link', 'community', 'group']), communityId: id.optional(), postId: id.optional(), groupId: id.optional() }) }),
  'c18n.suggestion.dismissed': z.object({ userId: id, kind: z.enum(['community', 'person']), targetId: id }),
  // Moderation: each decision is an event (and the audit log), each change of standing a new post version.
  'c18n.post.approved': z.object({ id, communityId: id }),
  'c18n.post.rejected': z.object({ id, communityId: id, reason: text(500) }),
  'c18n.post.reported': z.object({ id, communityId: id, userId: id, reason: text(500) }),
  'c18n.post.flagged': z.object({ id, communityId: id, source: z.enum(FLAG_SOURCES), reasons: z.array(text(500)).min(1).max(20), action: z.enum(['hide', 'queue']), reporterId: id.optional() }),
  'c18n.post.removed': z.object({ id, communityId: id, reason: text(500) }),
  'c18n.flag.dismissed': z.object({ id, communityId: id, note: text(500).optional() }),
  'c18n.member.banned': z.object({ communityId: id, userId: id, mode: z.enum(['mute', 'ban']), until: z.iso.datetime().nullable(), reason: text(500) }),
  // Media: a file asked for, uploaded and confirmed, processed or refused by the worker, and its tombstone.
  'c18n.media.requested': z.object({ id, ownerId: id, filename: text(200), contentType: z.enum(IMAGE_TYPES), size: z.number().int().positive(), key: text(300), expiresAt: z.iso.datetime() }),
  'c18n.media.uploaded': z.object({ id, ownerId: id, size: z.number().int().positive() }),
  'c18n.media.processed': z.object({ id, width: z.number().int().positive(), height: z.number().int().positive(), blurhash: text(100), detectedType: text(100), renditions: z.object({ small: text(300), large: text(300) }) }),
  'c18n.media.rejected': z.object({ id, reason: text(500) }),
  'c18n.media.deleted': z.object({ id, reason: z.enum(['post_deleted', 'post_removed', 'message_deleted', 'expired']) }),
  // Connections between people: each change an event, each event an immutable version.
  'c18n.connection.followed': z.object({ userId: id, targetId: id }),
  'c18n.connection.unfollowed': z.object({ userId: id, targetId: id }),
  'c18n.connection.blocked': z.object({ userId: id, targetId: id }),
  'c18n.connection.unblocked': z.object({ userId: id, targetId: id }),
  'c18n.connection.muted': z.object({ userId: id, targetId: id }),
  'c18n.connection.unmuted': z.object({ userId: id, targetId: id }),
  'c18n.member.unbanned': z.object({ communityId: id, userId: id, reason: text(500) }),
  'c18n.community.moderation_changed': z.object({ id, settings: moderationSettingsSchema }),
}
