import { createHash } from 'node:crypto'
import type { Message, Room, RoomKind } from '../../shared/schemas/chat'
import type { ReactionKind } from '../../shared/schemas/events'
import type { Ports } from '../ports'
import { newEvent } from '../pipeline/events'
import type { EventPublisher } from '../pipeline/publisher'
import { renderMarkdown } from '../content/markdown'
import { type Actor, isAdmin, requireActor } from './actor'
import type { ConversationDoc, MessageDoc, RoomActivityDoc, RoomReadDoc, MessageSentData } from './chat-model'
import { messageOfSent, reactionId, readId } from './chat-model'
import type { CommunityService } from './communities'
import { DomainError, conflict, forbidden, notFound } from './errors'
import { newId } from './ids'
import { type Page, cursorAfter, paginate } from './pagination'
import { RoomCache, refreshMessage } from './room-cache'
import type { UserService } from './users'
import { banMessage } from './moderation'
import type { MediaService } from '../media/service'
import { blockedBetween } from './connections-model'

export const MESSAGES_INDEX = 'messages'
const ROOM_LIST_LIMIT = 200

/** What the asker may do in a room, and what to call it. */
export interface RoomAccess {
  id: string
  kind: RoomKind
  targetId: string
  title: string
  href: string | null
  participantIds: string[]
  canWrite: boolean
  /** May delete anyone's message: the community's owner and moderators, site admins in public rooms. */
  canModerate: boolean
  /** Why the asker may not write or react here for now (a community mute or ban), if so. */
  silenced?: string | null
}

export function parseRoomId(roomId: string): { kind: RoomKind, targetId: string } {
  const match = /^(community|group|direct):([\w-]{1,64})$/.exec(roomId)
  if (!match) throw new DomainError('invalid', 'Not a room', { roomId: ['use community:<id>, group:<id> or direct:<id>'] })
  return { kind: match[1] as RoomKind, targetId: match[2]! }
}

/** The same people always meet in the same conversation. */
const conversationIdOf = (participantIds: string[]) => createHash('sha256').update([...participantIds].sort().join(',')).digest('base64url').slice(0, 22)

/** Chat rooms and their messages, written as events on `c18n.messages` keyed by room. */
export class ChatService {
  constructor(
    private readonly ports: Pick<Ports, 'store' | 'search' | 'cache'>,
    private readonly users: UserService,
    private readonly communities: CommunityService,
    private readonly publisher: EventPublisher,
    private readonly now: () => number = Date.now,
    /** Files sent with messages: checked on the way in, shown with them. */
    private readonly media: MediaService | null = null,
  ) {}

  private get messages() { return this.ports.store.collection<MessageDoc>('messages') }
  private get conversations() { return this.ports.store.collection<ConversationDoc>('conversations') }
  private get reads() { return this.ports.store.collection<RoomReadDoc>('room_reads') }

  async setup() {
    await this.messages.createIndex({ roomId: 1, createdAt: 1 })
    await this.messages.createIndex({ parentId: 1 })
    await this.ports.store.collection('message_versions').createIndex({ messageId: 1, at: 1 })
    await this.ports.store.collection('message_reactions').createIndex({ messageId: 1, kind: 1 })
    await this.conversations.createIndex({ participantIds: 1 })
    await this.reads.createIndex({ userId: 1 })
    await this.ports.search.ensureIndex(MESSAGES_INDEX, { body: 'text', roomId: 'keyword', authorId: 'keyword', createdAt: 'date' })
  }

  /**
   * Who may read a room: members of a community (anyone signed in for a public one), members of a
   * group, the participants of a conversation. Rooms one may not read are not found, as for
   * private communities: their existence is private too.
   */
  async access(actor: Actor | null, roomId: string): Promise<RoomAccess> {
    const me = requireActor(actor)
    const { kind, targetId } = parseRoomId(roomId)
    if (kind === 'community') {
      const { doc, role } = await this.communities.visibleById(me, targetId).catch(() => { throw notFound('Room') })
      const staff = role === 'owner' || role === 'moderator'
      // A mute or ban means the same in the community's room as on its posts.
      const ban = await this.communities.activeBan(doc._id, me.id, this.now())
      if (ban?.mode === 'ban' && !isAdmin(me)) throw forbidden(banMessage(ban, doc.name))
      return {
        id: roomId, kind, targetId, title: doc.name, href: `/c/${doc.slug}`, participantIds: [], canWrite: (!!role || isAdmin(me)) && !ban, canModerate: staff || isAdmin(me),
        silenced: ban ? banMessage(ban, doc.name) : null,
      }
    }
    if (kind === 'group') {
      // The stored group alone: every message checks access, and member names are not needed for it.
      const group = await this.ports.store.collection<{ _id: string, name: string, ownerId: string, memberIds: string[] }>('groups').findOne({ _id: targetId })
      const member = !!group?.memberIds.includes(me.id)
      if (!group || !(member || isAdmin(me))) throw notFound('Room')
      return { id: roomId, kind, targetId, title: group.name, href: `/groups/${group._id}`, participantIds: group.memberIds, canWrite: member, canModerate: group.ownerId === me.id }
    }
    const conversation = await this.conversations.findOne({ _id: targetId })
    if (!conversation || !conversation.participantIds.includes(me.id)) throw notFound('Room')
    const people = await this.users.byIds(conversation.participantIds)
    const others = conversation.participantIds.filter(id => id !== me.id).map(id => people.get(id)?.displayName ?? 'Someone')
    return { id: roomId, kind, targetId, title: others.join(', ') || 'Just you', href: null, participantIds: conversation.participantIds, canWrite: true, canModerate: false }
  }

  async views(actor: Actor | null, docs: MessageDoc[]): Promise<Message[]> {
    const authors = await this.users.byIds(docs.map(d => d.authorId))
    const mine = actor && docs.length
      ? await this.ports.store.collection<{ _id: string, messageId: string, kind: ReactionKind }>('message_reactions').find({ userId: actor.id, messageId: { $in: docs.map(d => d._id) } })
      : []
    const files = this.media ? await this.media.viewsByMessages(docs.filter(d => !d.deleted).map(d => d._id)) : new Map<string, never[]>()
    return docs.map((doc) => {
      const author = authors.get(doc.authorId)
      return {
        ...(files.has(doc._id) ? { attachments: files.get(doc._id) } : {}),
        id: doc._id, roomId: doc.roomId, parentId: doc.parentId, body: doc.body, bodyHtml: doc.deleted ? '' : renderMarkdown(doc.body),
        author: author ? { id: author.id, handle: author.handle, displayName: author.displayName, avatarUrl: author.avatarUrl } : { id: doc.authorId, handle: 'unknown', displayName: 'Unknown user', avatarUrl: null },
        createdAt: doc.createdAt, updatedAt: doc.updatedAt, version: doc.version, deleted: doc.deleted,
        replyCount: doc.replyCount, reactionCounts: doc.reactionCounts, myReactions: mine.filter(r => r.messageId === doc._id).map(r => r.kind),
      }
    })
  }

  async room(actor: Actor | null, roomId: string): Promise<Room> {
    const me = requireActor(actor)
    const room = await this.access(me, roomId)
    return this.toRoom(me, room)
  }

  private async toRoom(me: Actor, room: RoomAccess): Promise<Room> {
    // Unread counts include what was accepted here for the room.
    await this.publisher.settled(room.id)
    const [people, read, activity] = await Promise.all([
      this.users.byIds(room.participantIds),
      this.reads.findOne({ _id: readId(room.id, me.id) }),
      this.ports.store.collection<RoomActivityDoc>('room_activity').findOne({ _id: room.id }),
    ])
    const unread = activity && (!read || read.at < activity.lastMessageAt)
      ? await this.messages.count({ roomId: room.id, createdAt: { $gt: read?.at ?? '' }, authorId: { $ne: me.id } })
      : 0
    return {
      id: room.id, kind: room.kind, title: room.title, href: room.href, canWrite: room.canWrite, canModerate: room.canModerate, unread, lastMessageAt: activity?.lastMessageAt ?? null,
      participants: room.participantIds.flatMap((id) => {
        const user = people.get(id)
        return user ? [{ id: user.id, handle: user.handle, displayName: user.displayName, avatarUrl: user.avatarUrl }] : []
      }),
    }
  }

  /** Every room I am in, most recently active first, with what I have not read. */
  async rooms(actor: Actor | null): Promise<Room[]> {
    const me = requireActor(actor)
    const [memberships, groups, conversations] = await Promise.all([
      this.ports.store.collection<{ _id: string, communityId: string }>('memberships').find({ userId: me.id }, { limit: ROOM_LIST_LIMIT }),
      this.ports.store.collection<{ _id: string }>('groups').find({ memberIds: me.id }, { limit: ROOM_LIST_LIMIT }),
      this.conversations.find({ participantIds: me.id }, { limit: ROOM_LIST_LIMIT }),
    ])
    const ids = [...memberships.map(m => `community:${m.communityId}`), ...groups.map(g => `group:${g._id}`), ...conversations.map(c => `direct:${c._id}`)]
    const rooms: Room[] = []
    for (const id of ids) {
      const access = await this.access(me, id).catch(() => null)
      if (access) rooms.push(await this.toRoom(me, access))
    }
    return rooms.sort((a, b) => (b.lastMessageAt ?? '').localeCompare(a.lastMessageAt ?? '') || a.title.localeCompare(b.title))
  }

  /** The rooms one may read, as ids: what search and live subscriptions are limited to. */
  async readableRoomIds(actor: Actor | null): Promise<string[]> {
    return (await this.rooms(actor)).map(r => r.id)
  }

  /** Starts (or finds) the conversation between me and these people. */
  async startDirect(actor: Actor | null, handles: string[]): Promise<Room> {
    const me = requireActor(actor)
    const others = await this.users.byHandles([...new Set(handles.map(h => h.toLowerCase()))])
    if (others.length !== new Set(handles.map(h => h.toLowerCase())).size) throw new DomainError('invalid', 'Someone on the list does not exist', { handles: ['no such person'] })
    const participantIds = [...new Set([me.id, ...others.map(u => u.id)])].sort()
    if (participantIds.length < 2) throw new DomainError('invalid', 'Choose someone other than yourself', { handles: ['choose someone other than yourself'] })
    await this.notBlocked(me, participantIds)
    const id = conversationIdOf(participantIds)
    const roomId = `direct:${id}`
    if (!(await this.conversations.findOne({ _id: id }))) {
      await this.publisher.commit(newEvent('messages', 'conversation.started', roomId, roomId, { id, participantIds }, me.id))
    }
    return this.room(me, roomId)
  }

  /** A blocked person cannot message you, nor you them: checked as a conversation starts and on each message. */
  private async notBlocked(me: Actor, participantIds: string[]) {
    for (const other of participantIds) {
      if (other !== me.id && await blockedBetween(this.ports.store, me.id, other)) throw forbidden('You cannot message someone you blocked or who blocked you')
    }
  }

  async history(actor: Actor | null, roomId: string, query: { cursor?: string, limit: number }): Promise<Page<Message>> {
    const me = requireActor(actor)
    await this.access(me, roomId)
    // What was accepted here for the room shows up in the history read after it.
    await this.publisher.settled(roomId)
    // The first page, the one every visit reads, comes from the cache when the room is there.
    const cached = query.cursor ? null : await new RoomCache(this.ports.cache).newest(roomId, query.limit)
    if (cached) return { items: await this.views(me, cached.items), nextCursor: cached.more && cached.items.length ? cursorAfter(cached.items.at(-1)!._id) : null }
    const page = await paginate(this.messages, { roomId }, { key: '_id', order: 'desc', limit: query.limit, cursor: query.cursor })
    return { items: await this.views(me, page.items), nextCursor: page.nextCursor }
  }

  /** The stored message, once the persister has it: one accepted here and not yet stored is awaited, not missing. */
  private found(id: string): Promise<MessageDoc | null> {
    return this.publisher.readAfterPending(id, () => this.messages.findOne({ _id: id }))
  }

  private async message(me: Actor, id: string): Promise<{ doc: MessageDoc, room: RoomAccess }> {
    const doc = await this.found(id)
    if (!doc) throw notFound('Message')
    const room = await this.access(me, doc.roomId).catch(() => { throw notFound('Message') })
    return { doc, room }
  }

  /**
   * Read-your-writes for the room's cached history: the writer's request copies the change into
   * the cache at once; the cacher writes the same state again later, in either order.
   */
  private async writeThrough(id: string) {
    await refreshMessage(this.ports, id).catch(error => console.warn(`[chat] cache write-through for ${id} failed: ${(error as Error).message}`))
  }

  private async current(me: Actor, id: string): Promise<Message> {
    await this.writeThrough(id)
    const doc = await this.messages.findOne({ _id: id })
    if (!doc) throw notFound('Message')
    return (await this.views(me, [doc]))[0]!
  }

  /** A message the actor may read (its room's checks): for the files sent with it. */
  async readable(actor: Actor | null, id: string): Promise<void> {
    const { doc } = await this.message(requireActor(actor), id)
    if (doc.deleted) throw notFound('Message')
  }

  async send(actor: Actor | null, roomId: string, input: { body: string, parentId?: string | null, attachments?: string[] }): Promise<Message> {
    const me = requireActor(actor)
    const room = await this.access(me, roomId)
    if (room.silenced) throw forbidden(room.silenced)
    if (!room.canWrite) throw forbidden('Join to write in this room')
    if (room.kind === 'direct') await this.notBlocked(me, room.participantIds)
    const parentId = input.parentId ?? null
    if (parentId) {
      const parent = await this.found(parentId)
      if (!parent || parent.roomId !== roomId) throw new DomainError('invalid', 'The message replied to is not in this room', { parentId: ['not a message of this room'] })
      if (parent.deleted) throw conflict('That message was deleted: it takes no replies')
    }
    let attachments = {}
    if (input.attachments?.length) {
      if (!this.media) throw conflict('Attachments are not available')
      attachments = { attachments: await this.media.attachable(me, input.attachments) }
    }
    const data: MessageSentData = { id: newId(), roomId, authorId: me.id, parentId, body: input.body, ...attachments }
    const pending = newEvent('messages', 'message.sent', data.id, roomId, { ...data }, me.id)
    // Files are linked to the message by the persister: with some, the answer waits to show them.
    if (data.attachments?.length) {
      await this.publisher.commit(pending)
      return this.current(me, data.id)
    }
    // Without, nothing downstream rejects it: answered at Kafka's ack from the event, and the
    // author's next request waits until the room's cached history holds it.
    await this.publisher.accept(pending, () => this.writeThrough(data.id))
    return (await this.views(me, [messageOfSent(data, pending.event.time)]))[0]!
  }

  async edit(actor: Actor | null, id: string, body: string): Promise<Message> {
    const me = requireActor(actor)
    const { doc, room } = await this.message(me, id)
    if (room.silenced) throw forbidden(room.silenced)
    if (doc.authorId !== me.id) throw forbidden('Only the author can edit a message')
    if (doc.deleted) throw conflict('A deleted message cannot be edited')
    await this.publisher.commit(newEvent('messages', 'message.edited', id, doc.roomId, { id, roomId: doc.roomId, body }, me.id))
    return this.current(me, id)
  }

  async remove(actor: Actor | null, id: string): Promise<void> {
    const me = requireActor(actor)
    const { doc, room } = await this.message(me, id)
    if (doc.authorId !== me.id && !room.canModerate) throw forbidden('Only the author or a moderator can delete this message')
    if (doc.deleted) return
    await this.publisher.commit(newEvent('messages', 'message.deleted', id, doc.roomId, { id, roomId: doc.roomId, deletedBy: me.id }, me.id))
    await this.writeThrough(id)
  }

  async react(actor: Actor | null, id: string, kind: ReactionKind, on: boolean): Promise<Message> {
    const me = requireActor(actor)
    const { doc, room } = await this.message(me, id)
    if (room.silenced) throw forbidden(room.silenced)
    if (doc.deleted) throw conflict('A deleted message takes no reactions')
    const exists = !!(await this.ports.store.collection('message_reactions').findOne({ _id: reactionId(id, me.id, kind) }))
    if (on && exists) throw conflict(`You already reacted with ${kind}`)
    if (!on && !exists) throw notFound('Reaction')
    await this.publisher.commit(newEvent('messages', 'message.reacted', id, doc.roomId, { id, roomId: doc.roomId, userId: me.id, kind, on }, me.id))
    return this.current(me, id)
  }

  /** Marks everything in the room read up to now: my own bookkeeping, written directly. */
  async markRead(actor: Actor | null, roomId: string): Promise<Room> {
    const me = requireActor(actor)
    const room = await this.access(me, roomId)
    await this.reads.replaceOne({ _id: readId(roomId, me.id), roomId, userId: me.id, at: new Date().toISOString() })
    return this.toRoom(me, room)
  }

  /** Full text over the messages of rooms I am in (or of one of them). */
  async search(actor: Actor | null, query: { q: string, roomId?: string, limit: number }) {
    const me = requireActor(actor)
    const rooms = query.roomId ? [await this.access(me, query.roomId)] : await Promise.all((await this.readableRoomIds(me)).map(id => this.access(me, id)))
    if (!rooms.length) return { items: [] }
    const titles = new Map(rooms.map(r => [r.id, r.title]))
    const result = await this.ports.search.search<{ roomId: string }>(MESSAGES_INDEX, { text: query.q, filters: { roomId: rooms.map(r => r.id) }, size: query.limit, highlight: true })
    const docs = await this.messages.find({ _id: { $in: result.hits.map(h => h.id) }, deleted: false })
    const views = new Map((await this.views(me, docs)).map(m => [m.id, m]))
    return {
      items: result.hits.flatMap((hit) => {
        const message = views.get(hit.id)
        return message ? [{ message, roomTitle: titles.get(message.roomId) ?? '', highlights: hit.highlights.body ?? [] }] : []
      }),
    }
  }
}
