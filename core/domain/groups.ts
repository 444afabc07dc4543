import type { Group } from '../../shared/schemas/group'
import type { Ports } from '../ports'
import { type Actor, isAdmin, requireActor } from './actor'
import { DomainError, conflict, forbidden, notFound } from './errors'
import { newId } from './ids'
import { type Page, paginate } from './pagination'
import type { UserService } from './users'
import type { EventPublisher } from '../pipeline/publisher'
import { newEvent } from '../pipeline/events'
import { announceAccessChange } from '../realtime/access'

type GroupDoc = Omit<Group, 'id' | 'members'> & { _id: string }

const MAX_MEMBERS = 200

/** User groups: an owner and members; only members see a group. */
export class GroupService {
  constructor(private readonly ports: Pick<Ports, 'store' | 'cache'>, private readonly users: UserService, private readonly publisher: EventPublisher) {}

  private async commit(type: string, id: string, data: Record<string, unknown>, actor: Actor) {
    await this.publisher.commit(newEvent('groups', type, id, id, { id, ...data }, actor.id))
  }

  private async current(id: string): Promise<Group> {
    const doc = await this.groups.findOne({ _id: id })
    if (!doc) throw notFound('Group')
    return this.toGroup(doc)
  }

  private get groups() { return this.ports.store.collection<GroupDoc>('groups') }

  /** Groups with their members' names, looked up in one query. */
  private async withMembers(docs: GroupDoc[]): Promise<Group[]> {
    const users = await this.users.byIds(docs.flatMap(doc => doc.memberIds))
    return docs.map(({ _id, ...rest }) => ({
      id: _id, ...rest,
      members: rest.memberIds.flatMap((id) => {
        const user = users.get(id)
        return user ? [{ id: user.id, handle: user.handle, displayName: user.displayName, avatarUrl: user.avatarUrl }] : []
      }),
    }))
  }

  private async toGroup(doc: GroupDoc): Promise<Group> {
    return (await this.withMembers([doc]))[0]!
  }

  async setup() {
    await this.groups.createIndex({ memberIds: 1 })
  }

  async create(actor: Actor | null, input: { name: string, memberHandles: string[] }): Promise<Group> {
    const me = requireActor(actor)
    const found = await this.users.byHandles(input.memberHandles)
    const missing = input.memberHandles.filter(handle => !found.some(user => user.handle === handle))
    if (missing.length) throw new DomainError('invalid', `No user with the handle ${missing.map(h => `@${h}`).join(', ')}`, { memberHandles: missing.map(h => `@${h} does not exist`) })
    const id = newId()
    await this.commit('group.created', id, { name: input.name, ownerId: me.id, memberIds: [...new Set([me.id, ...found.map(u => u.id)])] }, me)
    return this.current(id)
  }

  /** A group its members (and site admins) may see; everybody else gets not-found. */
  async get(actor: Actor | null, id: string): Promise<Group> {
    const doc = await this.groups.findOne({ _id: id })
    if (!doc || !(isAdmin(actor) || (actor && doc.memberIds.includes(actor.id)))) throw notFound('Group')
    return this.toGroup(doc)
  }

  async listMine(actor: Actor | null, query: { cursor?: string, limit: number }): Promise<Page<Group>> {
    const me = requireActor(actor)
    const page = await paginate(this.groups, { memberIds: me.id }, { key: '_id', order: 'desc', limit: query.limit, cursor: query.cursor })
    return { items: await this.withMembers(page.items), nextCursor: page.nextCursor }
  }

  private async owned(actor: Actor | null, id: string): Promise<Group> {
    const group = await this.get(requireActor(actor), id)
    if (group.ownerId !== actor!.id && !isAdmin(actor)) throw forbidden('Only the group\'s owner can do this')
    return group
  }

  async rename(actor: Actor | null, id: string, name: string): Promise<Group> {
    await this.owned(actor, id)
    await this.commit('group.renamed', id, { name }, actor!)
    return this.current(id)
  }

  async addMember(actor: Actor | null, id: string, handle: string): Promise<Group> {
    const group = await this.owned(actor, id)
    const user = await this.users.byHandle(handle)
    if (group.memberIds.includes(user.id)) throw conflict(`@${handle} is already a member`)
    if (group.memberIds.length >= MAX_MEMBERS) throw conflict(`A group has at most ${MAX_MEMBERS} members`)
    await this.commit('group.member_added', id, { userId: user.id }, actor!)
    return this.current(id)
  }

  /** The owner removes anyone but themselves; a member removes themselves (leaving). */
  async removeMember(actor: Actor | null, id: string, userId: string): Promise<Group> {
    const me = requireActor(actor)
    const group = await this.get(me, id)
    const leaving = userId === me.id
    if (!leaving && group.ownerId !== me.id && !isAdmin(me)) throw forbidden('Only the group\'s owner can remove members')
    if (!group.memberIds.includes(userId)) throw notFound('Member')
    if (userId === group.ownerId) throw conflict('The owner cannot leave the group; delete it instead')
    await this.commit('group.member_removed', id, { userId }, me)
    await announceAccessChange(this.ports.cache, [`group:${id}`], leaving ? `You left ${group.name}` : `You were removed from ${group.name}`)
    return this.current(id)
  }

  async remove(actor: Actor | null, id: string): Promise<void> {
    const group = await this.owned(actor, id)
    await this.commit('group.deleted', id, {}, actor!)
    await announceAccessChange(this.ports.cache, [`group:${id}`], `${group.name} was deleted`)
  }
}
