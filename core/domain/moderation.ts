import type { MemberRole } from '../../shared/schemas/community'
import { type Ban, type BanEntry, DEFAULT_MODERATION_SETTINGS, type ModerationSettings, type QueueItem, moderationSettingsSchema } from '../../shared/schemas/moderation'
import type { Post } from '../../shared/schemas/post'
import type { DocumentStore, Ports } from '../ports'
import { newEvent } from '../pipeline/events'
import { type BanDoc, bans, isRunning, moderationSettings, queue, reports } from './moderation-model'
import type { EventPublisher } from '../pipeline/publisher'
import { type Actor, isAdmin, requireActor } from './actor'
import type { CommunityDoc, CommunityService } from './communities'
import { DomainError, conflict, forbidden, notFound } from './errors'
import { type Page, checkCursor, paginate } from './pagination'
import type { PostDoc } from './posts-model'
import type { PostService } from './posts'
import type { UserService } from './users'
import { announceAccessChange, communityRooms } from '../realtime/access'

export const isModeratorRole = (role: MemberRole | string | null) => role === 'owner' || role === 'moderator'

/** A community's moderation settings, the defaults filling in what was never set. */
export async function settingsOf(store: DocumentStore, communityId: string): Promise<ModerationSettings> {
  const stored = await moderationSettings(store).findOne({ _id: communityId })
  return { ...DEFAULT_MODERATION_SETTINGS, ...(stored?.settings ?? {}) }
}

/** The mute or ban in force on someone in a community, if any: a time-limited one ends by itself. */
export async function activeBan(store: DocumentStore, communityId: string, userId: string, now = Date.now()): Promise<BanDoc | null> {
  const ban = await bans(store).findOne({ _id: `${communityId}:${userId}` })
  if (!ban) return null
  return isRunning(ban, now) ? ban : null
}

export const banMessage = (ban: BanDoc, communityName: string) =>
  `You are ${ban.mode === 'ban' ? 'banned from' : 'muted in'} ${communityName} ${ban.until ? `until ${ban.until.slice(0, 16).replace('T', ' ')} UTC` : 'permanently'}: ${ban.reason}`

/**
 * The moderators' side: the queue of posts awaiting approval or flagged, the decisions on them,
 * member reports, bans and the community's moderation settings. Every decision is an event.
 */
export class ModerationService {
  constructor(
    private readonly ports: Pick<Ports, 'store' | 'cache'>,
    private readonly users: UserService,
    private readonly communities: CommunityService,
    private readonly posts: PostService,
    private readonly publisher: EventPublisher,
    /** The clock a ban's end is judged by. */
    private readonly now: () => number = Date.now,
  ) {}

  async setup() {
    await queue(this.ports.store).createIndex({ communityId: 1, open: 1, seq: 1 })
  }

  /** The community, if the actor moderates it; a private community stays invisible to outsiders. */
  private async moderated(actor: Actor | null, slug: string): Promise<{ me: Actor, community: CommunityDoc }> {
    const me = requireActor(actor)
    const { doc, role } = await this.communities.visible(me, slug)
    if (!isModeratorRole(role) && !isAdmin(me)) throw forbidden(`Only the moderators of ${doc.name} can do this`)
    return { me, community: doc }
  }

  /** A post the actor moderates: someone who may not even see it gets a 404, a member a 403. */
  private async moderatedPost(actor: Actor | null, postId: string): Promise<{ me: Actor, post: PostDoc, community: CommunityDoc }> {
    const me = requireActor(actor)
    const post = await this.posts.stored(postId)
    if (!post) throw notFound('Post')
    const { doc: community, role } = await this.communities.visibleById(me, post.communityId).catch(() => { throw notFound('Post') })
    if (isModeratorRole(role) || isAdmin(me)) return { me, post, community }
    if (post.held && post.authorId !== me.id) throw notFound('Post')
    throw forbidden(`Only the moderators of ${community.name} can do this`)
  }

  async queue(actor: Actor | null, slug: string, query: { cursor?: string, limit: number }): Promise<Page<QueueItem>> {
    checkCursor(query.cursor)
    const { me, community } = await this.moderated(actor, slug)
    // A post accepted here that waits for approval is in the queue read after it.
    await this.publisher.settled(community._id)
    const page = await paginate(queue(this.ports.store), { communityId: community._id, open: true }, { key: 'seq', order: 'asc', limit: query.limit, cursor: query.cursor })
    const docs = await this.ports.store.collection<PostDoc>('posts').find({ _id: { $in: page.items.map(i => i._id) } })
    const views = new Map((await this.posts.views(me, docs)).map(p => [p.id, p]))
    const reporters = await this.users.byIds(page.items.flatMap(i => i.reasons.map(r => r.reporterId)).filter((id): id is string => !!id))
    const items = page.items.flatMap((item) => {
      const post = views.get(item._id)
      if (!post || post.deleted) return []
      return [{
        kind: item.kind, post, openedAt: item.openedAt,
        reasons: item.reasons.map((r) => {
          const who = r.reporterId ? reporters.get(r.reporterId) : undefined
          return { source: r.source, detail: r.detail, at: r.at, reporter: who ? { id: who.id, handle: who.handle, displayName: who.displayName, avatarUrl: who.avatarUrl } : null }
        }),
      }]
    })
    return { items, nextCursor: page.nextCursor }
  }

  private async decide(actor: Actor | null, postId: string, type: string, data: Record<string, unknown>): Promise<Post> {
    const { me, post } = await this.moderatedPost(actor, postId)
    await this.publisher.commit(newEvent('posts', type, postId, post.communityId, { id: postId, communityId: post.communityId, ...data }, me.id))
    await this.posts.refreshViews(postId)
    return this.posts.get(me, postId)
  }

  approve(actor: Actor | null, postId: string) { return this.decide(actor, postId, 'post.approved', {}) }
  reject(actor: Actor | null, postId: string, reason: string) { return this.decide(actor, postId, 'post.rejected', { reason }) }
  dismiss(actor: Actor | null, postId: string, note?: string) { return this.decide(actor, postId, 'flag.dismissed', note ? { note } : {}) }
  async remove(actor: Actor | null, postId: string, reason: string) { await this.decide(actor, postId, 'post.removed', { reason }) }

  /** A member's report: once per person and post; the flagger turns it into a flag within moments. */
  async report(actor: Actor | null, postId: string, reason: string): Promise<void> {
    const me = requireActor(actor)
    const post = await this.posts.get(me, postId)
    if (post.deleted) throw conflict('This post was deleted')
    if (post.author.id === me.id) throw conflict('You cannot report your own post')
    if (await reports(this.ports.store).findOne({ _id: `${postId}:${me.id}` })) throw conflict('You already reported this post')
    await this.publisher.commit(newEvent('posts', 'post.reported', postId, post.communityId, { id: postId, communityId: post.communityId, userId: me.id, reason }, me.id))
  }

  /** Mutes (no posting, replying or reacting) or bans (that, and out of the community) a member, for hours or for good. */
  async ban(actor: Actor | null, slug: string, input: { userId: string, mode: 'mute' | 'ban', until: string | null, reason: string }): Promise<Ban> {
    const { me, community } = await this.moderated(actor, slug)
    if (input.userId === me.id) throw conflict('You cannot ban yourself')
    const target = await this.users.byId(input.userId)
    if (!target) throw notFound('User')
    const targetRole = await this.communities.roleOf({ id: input.userId, role: 'user' }, community._id)
    const myRole = await this.communities.roleOf(me, community._id)
    if (targetRole === 'owner' || (targetRole === 'moderator' && myRole !== 'owner' && !isAdmin(me))) throw forbidden('Only the owner can ban a moderator, and nobody the owner')
    await this.publisher.commit(newEvent('memberships', 'member.banned', community._id, community._id, { communityId: community._id, ...input }, me.id))
    if (input.mode === 'ban' && targetRole) await this.publisher.commit(newEvent('memberships', 'membership.left', community._id, community._id, { communityId: community._id, userId: input.userId, removedBy: me.id }, me.id))
    // A ban takes the member out of the room and its stream at once; a mute leaves them reading.
    if (input.mode === 'ban') await announceAccessChange(this.ports.cache, communityRooms(community._id), `You are banned from ${community.name}`)
    const { communityId, userId, mode, until, reason, at } = (await bans(this.ports.store).findOne({ _id: `${community._id}:${input.userId}` }))!
    return { communityId, userId, mode, until, reason, at }
  }

  /** The community's bans and mutes, newest first, with who imposed them and whether they still hold. */
  async listBans(actor: Actor | null, slug: string, query: { cursor?: string, limit: number }): Promise<Page<BanEntry>> {
    checkCursor(query.cursor)
    const { community } = await this.moderated(actor, slug)
    const page = await paginate(bans(this.ports.store), { communityId: community._id }, { key: '_id', order: 'asc', limit: query.limit, cursor: query.cursor })
    const people = await this.users.byIds(page.items.flatMap(b => [b.userId, b.byId ?? '']).filter(Boolean))
    const summary = (id: string | null) => {
      const u = id ? people.get(id) : undefined
      return u ? { id: u.id, handle: u.handle, displayName: u.displayName, avatarUrl: u.avatarUrl } : null
    }
    const now = this.now()
    const items = page.items.map(({ communityId, userId, mode, until, reason, at, byId }) => ({
      communityId, userId, mode, until, reason, at,
      user: summary(userId) ?? { id: userId, handle: 'unknown', displayName: 'Unknown user', avatarUrl: null },
      by: summary(byId), active: until === null || Date.parse(until) > now,
    }))
    return { items, nextCursor: page.nextCursor }
  }

  /** Lifts a ban or mute before it ends: an event, and a version of the ban saying who and why. */
  async liftBan(actor: Actor | null, slug: string, userId: string, reason?: string): Promise<void> {
    const { me, community } = await this.moderated(actor, slug)
    const ban = await activeBan(this.ports.store, community._id, userId, this.now())
    if (!ban) throw notFound('A ban or mute in force on this person')
    await this.publisher.commit(newEvent('memberships', 'member.unbanned', community._id, community._id, { communityId: community._id, userId, reason: reason ?? 'lifted early' }, me.id))
  }

  async settings(actor: Actor | null, slug: string): Promise<ModerationSettings> {
    const { community } = await this.moderated(actor, slug)
    return settingsOf(this.ports.store, community._id)
  }

  async updateSettings(actor: Actor | null, slug: string, changes: Partial<ModerationSettings>): Promise<ModerationSettings> {
    const { me, community } = await this.moderated(actor, slug)
    const parsed = moderationSettingsSchema.safeParse({ ...(await settingsOf(this.ports.store, community._id)), ...changes })
    if (!parsed.success) throw new DomainError('invalid', 'The settings are not valid', { settings: parsed.error.issues.map(i => i.message) })
    const settings = { ...parsed.data, wordList: [...new Set(parsed.data.wordList)] }
    await this.publisher.commit(newEvent('communities', 'community.moderation_changed', community._id, community._id, { id: community._id, settings }, me.id))
    return settings
  }
}
