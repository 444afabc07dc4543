import type { ConnectionEntry, ConnectionKind, Relation } from '../../shared/schemas/connection'
import type { Filter, Ports } from '../ports'
import { newEvent } from '../pipeline/events'
import type { EventPublisher } from '../pipeline/publisher'
import { blockedBetween, connectionId, connections, hiddenAuthorsOf } from './connections-model'
import { RateLimiter, type RateRule, checkAll, ruleFromEnv } from '../security/rate-limit'
import { type Actor, requireActor } from './actor'
import { DomainError, conflict, forbidden } from './errors'
import { type Page, checkCursor, paginate } from './pagination'
import type { UserService } from './users'
import { HomeList } from './home-list'

type Verb = 'followed' | 'unfollowed' | 'blocked' | 'unblocked' | 'muted' | 'unmuted'

/** Follows (and unfollows) per person: a follow storm from one account is refused with 429. */
export const followRule = (env: Record<string, string | undefined> = process.env): RateRule => ruleFromEnv('follows-user', 'C18N_RATE_LIMIT_FOLLOWS', { limit: 30, windowSeconds: 60 }, env)

/**
 * People and their edges to each other: following, blocking, muting, each an event on the bus
 * and an immutable version in the store. The feeds, chat and the notifier ask here (or the same
 * collection) who is hidden from whom.
 */
export class ConnectionService {
  private readonly limiter: RateLimiter
  constructor(
    private readonly ports: Pick<Ports, 'store' | 'cache'>,
    private readonly users: UserService,
    private readonly publisher: EventPublisher,
    now: () => number = Date.now,
    private readonly rule: RateRule = followRule(),
  ) {
    this.limiter = new RateLimiter(ports.cache, now)
  }

  private get edges() { return connections(this.ports.store) }

  async setup() {
    await this.edges.createIndex({ kind: 1, targetId: 1, seq: 1 })
    await this.edges.createIndex({ kind: 1, userId: 1, seq: 1 })
    await this.ports.store.collection('connection_versions').createIndex({ userId: 1, targetId: 1, at: 1 })
  }

  private async other(me: Actor, handle: string, what: string) {
    const target = await this.users.byHandle(handle)
    if (target.id === me.id) throw new DomainError('invalid', `You cannot ${what} yourself`, { handle: [`you cannot ${what} yourself`] })
    return target
  }

  private has(kind: ConnectionKind, userId: string, targetId: string) {
    return this.edges.findOne({ _id: connectionId(kind, userId, targetId) }).then(Boolean)
  }

  private async commit(me: Actor, verb: Verb, targetId: string) {
    return this.publisher.commit(newEvent('connections', `connection.${verb}`, targetId, me.id, { userId: me.id, targetId }, me.id))
  }

  private async throttle(me: Actor) {
    const decision = await checkAll(this.limiter, [[this.rule, me.id]])
    if (!decision.allowed) throw new DomainError('rate_limited', `Too many follows: try again in ${decision.retryAfterSeconds} s`)
  }

  async follow(actor: Actor | null, handle: string): Promise<Relation> {
    const me = requireActor(actor)
    const target = await this.other(me, handle, 'follow')
    await this.throttle(me)
    if (await this.has('follow', me.id, target.id)) throw conflict(`You already follow @${handle}`)
    if (await blockedBetween(this.ports.store, me.id, target.id)) throw forbidden(`You cannot follow @${handle}: one of you blocked the other`)
    const { event } = await this.commit(me, 'followed', target.id)
    // Read-your-writes for the home feed: the consumer voids the list for this event too, a no-op then.
    await new HomeList(this.ports.cache).invalidate([{ userId: me.id, eventId: event.id }])
    return this.relation(me, handle)
  }

  async unfollow(actor: Actor | null, handle: string): Promise<Relation> {
    const me = requireActor(actor)
    const target = await this.other(me, handle, 'unfollow')
    await this.throttle(me)
    if (!(await this.has('follow', me.id, target.id))) throw conflict(`You do not follow @${handle}`)
    await this.commit(me, 'unfollowed', target.id)
    return this.relation(me, handle)
  }

  /** Blocks or mutes (on), or lifts it (off). */
  async set(actor: Actor | null, handle: string, kind: 'block' | 'mute', on: boolean): Promise<Relation> {
    const me = requireActor(actor)
    const target = await this.other(me, handle, kind)
    const there = await this.has(kind, me.id, target.id)
    if (on && there) throw conflict(`You already ${kind === 'block' ? 'blocked' : 'muted'} @${handle}`)
    if (!on && !there) throw conflict(`You have not ${kind === 'block' ? 'blocked' : 'muted'} @${handle}`)
    const verbs = { block: ['blocked', 'unblocked'], mute: ['muted', 'unmuted'] } as const
    await this.commit(me, verbs[kind][on ? 0 : 1], target.id)
    return this.relation(me, handle)
  }

  async relation(actor: Actor | null, handle: string): Promise<Relation> {
    const target = await this.users.byHandle(handle)
    const [followers, following] = await Promise.all([this.edges.count({ kind: 'follow', targetId: target.id }), this.edges.count({ kind: 'follow', userId: target.id })])
    const mine = actor && actor.id !== target.id
      ? new Set((await this.edges.find({ _id: { $in: [connectionId('follow', actor.id, target.id), connectionId('follow', target.id, actor.id), connectionId('block', actor.id, target.id), connectionId('block', target.id, actor.id), connectionId('mute', actor.id, target.id)] } })).map(e => e._id))
      : new Set<string>()
    const me = actor?.id ?? ''
    return {
      userId: target.id, followers, following,
      iFollow: mine.has(connectionId('follow', me, target.id)), followsMe: mine.has(connectionId('follow', target.id, me)),
      iBlock: mine.has(connectionId('block', me, target.id)), iMute: mine.has(connectionId('mute', me, target.id)),
      blocked: mine.has(connectionId('block', me, target.id)) || mine.has(connectionId('block', target.id, me)),
    }
  }

  /** Who follows a person (`followers`) or whom they follow (`following`), newest edge first. */
  async list(handle: string, side: 'followers' | 'following', query: { cursor?: string, limit: number }): Promise<Page<ConnectionEntry>> {
    checkCursor(query.cursor)
    const target = await this.users.byHandle(handle)
    const filter: Filter = side === 'followers' ? { kind: 'follow', targetId: target.id } : { kind: 'follow', userId: target.id }
    const page = await paginate(this.edges, filter, { key: 'seq', order: 'desc', limit: query.limit, cursor: query.cursor })
    const people = await this.users.byIds(page.items.map(e => (side === 'followers' ? e.userId : e.targetId)))
    const items = page.items.flatMap((e) => {
      const user = people.get(side === 'followers' ? e.userId : e.targetId)
      return user ? [{ id: user.id, handle: user.handle, displayName: user.displayName, avatarUrl: user.avatarUrl, since: e.since }] : []
    })
    return { items, nextCursor: page.nextCursor }
  }

  /** Whom a person follows, as ids (for the home feed). */
  async followingIds(userId: string): Promise<string[]> {
    return (await this.edges.find({ kind: 'follow', userId })).map(e => e.targetId)
  }

  /** Whose posts a person never sees: those blocked either way, and those they muted. */
  hiddenAuthors(userId: string): Promise<Set<string>> {
    return hiddenAuthorsOf(this.ports.store, userId)
  }

  /** Whether either of two people blocked the other. */
  blocked(a: string, b: string) {
    return blockedBetween(this.ports.store, a, b)
  }
}
