import type { Community, CommunityCreate, CommunityUpdate, CommunityView, MemberRole, Membership } from '../../shared/schemas/community'
import type { Filter, Ports } from '../ports'
import { type Actor, isAdmin, requireActor } from './actor'
import { conflict, forbidden, notFound } from './errors'
import { newId } from './ids'
import { type Page, offsetCursor, offsetFromCursor, paginate } from './pagination'
import type { UserService } from './users'
import type { EventPublisher } from '../pipeline/publisher'
import { newEvent } from '../pipeline/events'
import { banMessage } from './moderation'
import { type BanDoc, bans, isRunning } from './moderation-model'
import { CommunityAccessCache } from './community-access-cache'
import { announceAccessChange, communityRooms } from '../realtime/access'
import { HomeList } from './home-list'

export type CommunityDoc = Omit<Community, 'id'> & { _id: string }
interface MembershipDoc { _id: string, communityId: string, userId: string, role: MemberRole, joinedAt: string, seq: string }

export const COMMUNITIES_INDEX = 'communities'
const toCommunity = ({ _id, ...rest }: CommunityDoc): Community => ({ id: _id, ...rest })
const membershipId = (communityId: string, userId: string) => `${communityId}:${userId}`

export class CommunityService {
  constructor(
    private readonly ports: Pick<Ports, 'store' | 'search' | 'cache'>,
    private readonly users: UserService,
    private readonly publisher: EventPublisher,
    private readonly now: () => number = Date.now,
    /** What access checks read, kept by the applied stream (off unless the process hears it). */
    private readonly access = new CommunityAccessCache(() => false),
  ) {}

  private async commit(aggregate: 'communities' | 'memberships', type: string, communityId: string, data: Record<string, unknown>, actor: Actor) {
    return this.publisher.commit(newEvent(aggregate, type, communityId, communityId, data, actor.id))
  }

  private async byId(id: string): Promise<CommunityDoc> {
    const doc = await this.access.byId(id, () => this.communities.findOne({ _id: id }))
    if (!doc) throw notFound('Community')
    return doc
  }

  private get communities() { return this.ports.store.collection<CommunityDoc>('communities') }
  private get memberships() { return this.ports.store.collection<MembershipDoc>('memberships') }

  async setup() {
    await this.communities.createIndex({ slug: 1 }, { unique: true })
    await this.memberships.createIndex({ communityId: 1, seq: 1 })
    await this.memberships.createIndex({ userId: 1, seq: 1 })
    await this.ports.search.ensureIndex(COMMUNITIES_INDEX, { slug: 'keyword', name: 'text', description: 'text', topics: 'keyword', visibility: 'keyword', createdAt: 'date' })
  }

  async roleOf(actor: Actor | null, communityId: string): Promise<MemberRole | null> {
    if (!actor) return null
    return this.access.role(communityId, actor.id, async () => (await this.memberships.findOne({ _id: membershipId(communityId, actor.id) }))?.role ?? null)
  }

  /**
   * Someone says who may read this community changed (a live room's access announcement, which
   * can arrive before the applied stream does): what this process knows of it is read afresh.
   */
  accessChanged(communityId: string) {
    this.access.forget(communityId)
  }

  /** The ban or mute on this person in this community still running at `now`, if any. */
  async activeBan(communityId: string, userId: string, now: number): Promise<BanDoc | null> {
    const ban = await this.access.ban(communityId, userId, () => bans(this.ports.store).findOne({ _id: `${communityId}:${userId}` }))
    return ban && isRunning(ban, now) ? ban : null
  }

  private async view(actor: Actor | null, doc: CommunityDoc): Promise<CommunityView> {
    return { ...toCommunity(doc), myRole: await this.roleOf(actor, doc._id) }
  }

  /** A private community is invisible, not forbidden, to non-members: its existence is private too. */
  async visible(actor: Actor | null, slug: string): Promise<{ doc: CommunityDoc, role: MemberRole | null }> {
    return this.visibleDoc(actor, await this.access.bySlug(slug, () => this.communities.findOne({ slug })), slug)
  }

  async visibleById(actor: Actor | null, id: string): Promise<{ doc: CommunityDoc, role: MemberRole | null }> {
    return this.visibleDoc(actor, await this.access.byId(id, () => this.communities.findOne({ _id: id })), id)
  }

  private async visibleDoc(actor: Actor | null, doc: CommunityDoc | null, slug: string): Promise<{ doc: CommunityDoc, role: MemberRole | null }> {
    if (!doc) throw notFound(`Community ${slug}`)
    const role = await this.roleOf(actor, doc._id)
    if (doc.visibility === 'private' && !role && !isAdmin(actor)) throw notFound(`Community ${slug}`)
    return { doc, role }
  }

  async create(actor: Actor | null, input: CommunityCreate): Promise<CommunityView> {
    const me = requireActor(actor)
    if (await this.communities.findOne({ slug: input.slug })) throw conflict(`The address /c/${input.slug} is taken`)
    const id = newId()
    await this.commit('communities', 'community.created', id, { id, ...input, ownerId: me.id }, me)
    return { ...toCommunity(await this.byId(id)), myRole: 'owner' }
  }

  async get(actor: Actor | null, slug: string): Promise<CommunityView> {
    const { doc, role } = await this.visible(actor, slug)
    return { ...toCommunity(doc), myRole: role }
  }

  /** Public communities, alphabetical, or ranked by a name search. */
  async list(actor: Actor | null, query: { cursor?: string, limit: number, q?: string }): Promise<Page<CommunityView>> {
    if (query.q) {
      const from = offsetFromCursor(query.cursor)
      const result = await this.ports.search.search(COMMUNITIES_INDEX, { text: query.q, filters: { visibility: 'public' }, from, size: query.limit })
      const docs = await this.communities.find({ _id: { $in: result.hits.map(hit => hit.id) } })
      const byId = new Map(docs.map(doc => [doc._id, doc]))
      // The index may not have heard yet that a community went private: the store decides.
      const items = await Promise.all(result.hits.map(hit => byId.get(hit.id)).filter((d): d is CommunityDoc => !!d && d.visibility === 'public').map(doc => this.view(actor, doc)))
      return { items, nextCursor: from + query.limit < result.total ? offsetCursor(from + query.limit) : null }
    }
    const page = await paginate(this.communities, { visibility: 'public' }, { key: 'slug', order: 'asc', limit: query.limit, cursor: query.cursor })
    return { items: await Promise.all(page.items.map(doc => this.view(actor, doc))), nextCursor: page.nextCursor }
  }

  /** The communities a user belongs to, newest membership first. */
  async listMine(actor: Actor | null, query: { cursor?: string, limit: number }): Promise<Page<CommunityView>> {
    const me = requireActor(actor)
    const page = await paginate(this.memberships, { userId: me.id }, { key: 'seq', order: 'desc', limit: query.limit, cursor: query.cursor })
    const docs = await this.communities.find({ _id: { $in: page.items.map(m => m.communityId) } })
    const byId = new Map(docs.map(doc => [doc._id, doc]))
    const items = page.items.flatMap(m => byId.has(m.communityId) ? [{ ...toCommunity(byId.get(m.communityId)!), myRole: m.role }] : [])
    return { items, nextCursor: page.nextCursor }
  }

  async update(actor: Actor | null, slug: string, changes: CommunityUpdate): Promise<CommunityView> {
    const me = requireActor(actor)
    const { doc, role } = await this.visible(me, slug)
    const ownerOnly = changes.visibility !== undefined || changes.postsNeedApproval !== undefined
    const allowed = isAdmin(me) || role === 'owner' || (role === 'moderator' && !ownerOnly)
    if (!allowed) throw forbidden(ownerOnly ? 'Only the owner can change visibility or approval' : 'Only the owner and moderators can edit the community')
    await this.commit('communities', 'community.updated', doc._id, { id: doc._id, communityId: doc._id, changes }, me)
    if (changes.visibility && changes.visibility !== doc.visibility) await announceAccessChange(this.ports.cache, communityRooms(doc._id), `${doc.name} is now ${changes.visibility}`)
    return { ...toCommunity(await this.byId(doc._id)), myRole: role }
  }

  async join(actor: Actor | null, slug: string): Promise<CommunityView> {
    const me = requireActor(actor)
    const { doc, role } = await this.visible(me, slug)
    if (role) throw conflict('You are already a member')
    if (doc.visibility === 'private') throw forbidden('This community is private: a moderator must add you')
    const ban = await this.activeBan(doc._id, me.id, this.now())
    if (ban?.mode === 'ban') throw forbidden(banMessage(ban, doc.name))
    return this.addMembership(me, doc, me.id)
  }

  /** Owners and moderators add people by handle; the only way into a private community. */
  async addMember(actor: Actor | null, slug: string, handle: string): Promise<Membership> {
    const me = requireActor(actor)
    const { doc, role } = await this.visible(me, slug)
    if (role !== 'owner' && role !== 'moderator' && !isAdmin(me)) throw forbidden('Only the owner and moderators can add members')
    const user = await this.users.byHandle(handle)
    if (await this.roleOf(user, doc._id)) throw conflict(`@${handle} is already a member`)
    await this.addMembership(me, doc, user.id)
    return (await this.membersPage(doc._id, { limit: 1, userId: user.id })).items[0]!
  }

  private async addMembership(actor: Actor, doc: CommunityDoc, userId: string): Promise<CommunityView> {
    const { event } = await this.commit('memberships', 'membership.joined', doc._id, { communityId: doc._id, userId }, actor)
    // The new member's home feed now holds the community's older posts: its list is seeded again.
    await new HomeList(this.ports.cache).invalidate([{ userId, eventId: event.id }])
    return { ...toCommunity(await this.byId(doc._id)), myRole: userId === actor.id ? 'member' : await this.roleOf(actor, doc._id) }
  }

  async leave(actor: Actor | null, slug: string): Promise<void> {
    const me = requireActor(actor)
    const { doc, role } = await this.visible(me, slug)
    if (!role) throw conflict('You are not a member')
    if (role === 'owner') throw conflict('The owner cannot leave; hand the community to someone else first')
    await this.commit('memberships', 'membership.left', doc._id, { communityId: doc._id, userId: me.id }, me)
    await announceAccessChange(this.ports.cache, communityRooms(doc._id), `You left ${doc.name}`)
  }

  /** Owners remove anyone but themselves; moderators remove plain members. */
  async removeMember(actor: Actor | null, slug: string, userId: string): Promise<void> {
    const me = requireActor(actor)
    const { doc, role } = await this.visible(me, slug)
    if (userId === me.id) return this.leave(me, slug)
    const targetRole = await this.roleOf({ id: userId, role: 'user' }, doc._id)
    if (!targetRole) throw notFound('Member')
    const allowed = isAdmin(me) || (role === 'owner' && targetRole !== 'owner') || (role === 'moderator' && targetRole === 'member')
    if (!allowed) throw forbidden('You may not remove this member')
    await this.commit('memberships', 'membership.left', doc._id, { communityId: doc._id, userId, removedBy: me.id }, me)
    await announceAccessChange(this.ports.cache, communityRooms(doc._id), `You were removed from ${doc.name}`)
  }

  async changeRole(actor: Actor | null, slug: string, userId: string, newRole: Exclude<MemberRole, 'owner'>): Promise<Membership> {
    const me = requireActor(actor)
    const { doc, role } = await this.visible(me, slug)
    if (role !== 'owner' && !isAdmin(me)) throw forbidden('Only the owner can change roles')
    const target = await this.memberships.findOne({ _id: membershipId(doc._id, userId) })
    if (!target) throw notFound('Member')
    if (target.role === 'owner') throw conflict('The owner\'s role cannot be changed')
    await this.commit('memberships', 'membership.role_changed', doc._id, { communityId: doc._id, userId, role: newRole }, me)
    return (await this.membersPage(doc._id, { limit: 1, userId })).items[0]!
  }

  /** Mutes (or unmutes) new-post notifications of a community for its member. */
  async mute(actor: Actor | null, slug: string, muted: boolean) {
    const me = requireActor(actor)
    const { doc, role } = await this.visible(me, slug)
    if (!role) throw conflict('You are not a member')
    await this.commit('memberships', 'membership.muted', doc._id, { communityId: doc._id, userId: me.id, muted }, me)
    return { muted }
  }

  async members(actor: Actor | null, slug: string, query: { cursor?: string, limit: number }): Promise<Page<Membership>> {
    const { doc } = await this.visible(actor, slug)
    return this.membersPage(doc._id, query)
  }

  private async membersPage(communityId: string, query: { cursor?: string, limit: number, userId?: string }): Promise<Page<Membership>> {
    const filter: Filter = query.userId ? { communityId, userId: query.userId } : { communityId }
    const page = await paginate(this.memberships, filter, { key: 'seq', order: 'asc', limit: query.limit, cursor: query.cursor })
    const users = await this.users.byIds(page.items.map(m => m.userId))
    const items = page.items.map(m => ({
      communityId, userId: m.userId, role: m.role, joinedAt: m.joinedAt,
      handle: users.get(m.userId)?.handle ?? 'unknown', displayName: users.get(m.userId)?.displayName ?? 'Unknown user',
    }))
    return { items, nextCursor: page.nextCursor }
  }
}
