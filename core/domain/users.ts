import { randomBytes } from 'node:crypto'
import type { User, UserUpdate } from '../../shared/schemas/user'
import type { Ports } from '../ports'
import { type Actor, isAdmin, requireActor } from './actor'
import { DomainError, conflict, forbidden, notFound } from './errors'
import { newId } from './ids'
import { type Page, offsetCursor, offsetFromCursor, paginate } from './pagination'
import { hashPassword, verifyPassword } from './passwords'
import type { EventPublisher } from '../pipeline/publisher'
import { UserCache } from './user-cache'
import { newEvent } from '../pipeline/events'

/** A ban from the site is kept on the profile's document, never shown in the profile itself. */
export type UserDoc = Omit<User, 'id'> & { _id: string, bannedAt?: string | null, banReason?: string | null }
interface CredentialDoc { _id: string, handle: string, passwordHash: string }

export const USERS_INDEX = 'users'

export function toUser({ _id, bannedAt: _bannedAt, banReason: _banReason, ...rest }: UserDoc): User {
  return { id: _id, ...rest }
}

/** Who an identity provider says signed in: its subject and the claims it gave. */
export interface ExternalIdentity {
  provider: string
  subject: string
  email?: string | null
  name?: string | null
  preferredUsername?: string | null
  picture?: string | null
}
interface IdentityDoc { _id: string, userId: string, provider: string, subject: string }

/** A handle from a username or email: lowercase letters, digits and single dashes, 3 to 34 long. */
export function handleFrom(source: string): string {
  const base = source.split('@')[0]!.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 34).replace(/-+$/, '')
  return base.length >= 3 ? base : `${base || 'user'}-${'0'.repeat(3 - Math.min(base.length, 2))}`.slice(0, 34)
}

let dummy: Promise<string> | null = null
/** A real hash of nothing anyone knows, made once, to check unknown handles against. */
const dummyHash = () => (dummy ??= hashPassword(randomBytes(24).toString('base64url')))

export interface NewUser { handle: string, displayName: string, bio?: string, interests?: string[], avatarUrl?: string | null, role?: User['role'], password?: string }

export class UserService {
  constructor(
    private readonly ports: Pick<Ports, 'store' | 'search'>,
    private readonly publisher: EventPublisher,
    /** People read lately, kept current by the applied stream. */
    private readonly cache = new UserCache<UserDoc>(() => false),
  ) {}

  private async docs(ids: string[]): Promise<Map<string, UserDoc>> {
    return this.cache.get(ids, missing => this.users.find({ _id: { $in: missing } }))
  }

  private get users() { return this.ports.store.collection<UserDoc>('users') }
  private get credentials() { return this.ports.store.collection<CredentialDoc>('credentials') }
  private get identities() { return this.ports.store.collection<IdentityDoc>('identities') }

  async setup() {
    await this.users.createIndex({ handle: 1 }, { unique: true })
    await this.ports.search.ensureIndex(USERS_INDEX, { handle: 'keyword', displayName: 'text', bio: 'text', interests: 'keyword', createdAt: 'date' })
  }

  async create(input: NewUser): Promise<User> {
    if (await this.users.findOne({ handle: input.handle })) throw conflict(`The handle @${input.handle} is taken`)
    const id = newId()
    // Credentials are secrets, not content: they never travel on the bus.
    if (input.password) await this.credentials.replaceOne({ _id: id, handle: input.handle, passwordHash: await hashPassword(input.password) })
    await this.publisher.commit(newEvent('users', 'user.registered', id, id, {
      id, handle: input.handle, displayName: input.displayName, bio: input.bio ?? '', interests: input.interests ?? [],
      avatarUrl: input.avatarUrl ?? null, role: input.role ?? 'user',
    }))
    return (await this.byId(id))!
  }

  /** The user a local sign-in names, or null when the handle or password is wrong. */
  async verifyCredentials(handle: string, password: string): Promise<User | null> {
    const credential = await this.credentials.findOne({ handle })
    // An unknown handle costs the same hashing as a known one: timing does not tell which exist.
    const matches = await verifyPassword(password, credential?.passwordHash ?? await dummyHash())
    if (!credential || !matches) return null
    return this.activeById(credential._id)
  }

  /**
   * A local account's new password, once the current one is proven. The caller ends every
   * session after it (SessionService.revokeAll): a stolen session must not outlive the change.
   */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<void> {
    const credential = await this.credentials.findOne({ _id: actor.id })
    if (!credential) throw conflict('Your account signs in through single sign-on: change your password there')
    if (!(await verifyPassword(currentPassword, credential.passwordHash))) {
      throw new DomainError('invalid', 'The current password is not right', { currentPassword: ['is not right'] })
    }
    await this.credentials.replaceOne({ ...credential, passwordHash: await hashPassword(newPassword) })
  }

  /**
   * Single sign-on: the profile linked to the provider's subject, or on the first sign-in a new
   * profile made from the identity's claims and linked to it, both as events.
   */
  async signInWithIdentity(identity: ExternalIdentity): Promise<User> {
    const linked = await this.linkedUser(identity)
    if (linked && !(await this.activeById(linked.id))) throw forbidden('This account is banned from the site')
    if (linked) return linked
    const base = handleFrom(identity.preferredUsername || identity.email || identity.name || 'user')
    let handle = base
    for (let n = 2; await this.users.findOne({ handle }); n++) handle = n < 50 ? `${base.slice(0, 30)}-${n}` : `${base.slice(0, 25)}-${newId().slice(-8).toLowerCase().replace(/[^a-z0-9]/g, '0')}`
    const picture = identity.picture && /^https?:\/\//.test(identity.picture) && identity.picture.length <= 500 ? identity.picture : null
    const user = await this.create({ handle, displayName: (identity.name || handle).slice(0, 60), avatarUrl: picture })
    try {
      await this.publisher.commit(newEvent('users', 'user.identity_linked', user.id, user.id, { id: user.id, provider: identity.provider, subject: identity.subject }, user.id))
    }
    catch (error) {
      // Two first sign-ins at once: the other one linked first, and its profile is the one.
      const winner = await this.linkedUser(identity)
      if (winner) return winner
      throw error
    }
    return user
  }

  private async linkedUser(identity: ExternalIdentity): Promise<User | null> {
    const link = await this.identities.findOne({ _id: `${identity.provider}:${identity.subject}` })
    return link ? this.byId(link.userId) : null
  }

  async byId(id: string): Promise<User | null> {
    const doc = (await this.docs([id])).get(id)
    return doc ? toUser(doc) : null
  }

  /** The person behind a session: null once banned from the site, whatever the token says. */
  async activeById(id: string): Promise<User | null> {
    const doc = (await this.docs([id])).get(id)
    return doc && !doc.bannedAt ? toUser(doc) : null
  }

  /**
   * A ban from the whole site, by a site admin: the caller then ends every session of the
   * person (SessionService.revokeAll), and signing in is refused until the ban is lifted.
   */
  async siteBan(actor: Actor | null, handle: string, reason: string): Promise<User> {
    const me = requireActor(actor)
    if (!isAdmin(me)) throw forbidden('Only site admins can ban from the site')
    const target = await this.byHandle(handle)
    if (target.id === me.id) throw conflict('You cannot ban yourself')
    await this.publisher.commit(newEvent('users', 'user.banned', target.id, target.id, { id: target.id, reason }, me.id))
    return target
  }

  async liftSiteBan(actor: Actor | null, handle: string): Promise<void> {
    const me = requireActor(actor)
    if (!isAdmin(me)) throw forbidden('Only site admins can lift a ban from the site')
    const target = await this.byHandle(handle)
    const doc = await this.users.findOne({ _id: target.id })
    if (!doc?.bannedAt) throw notFound(`A ban of @${handle}`)
    await this.publisher.commit(newEvent('users', 'user.unbanned', target.id, target.id, { id: target.id }, me.id))
  }

  async byHandle(handle: string): Promise<User> {
    const doc = await this.users.findOne({ handle })
    if (!doc) throw notFound(`User @${handle}`)
    return toUser(doc)
  }

  async byHandles(handles: string[]): Promise<User[]> {
    if (!handles.length) return []
    return (await this.users.find({ handle: { $in: handles } })).map(toUser)
  }

  async byIds(ids: string[]): Promise<Map<string, User>> {
    if (!ids.length) return new Map()
    return new Map([...(await this.docs(ids))].map(([id, doc]) => [id, toUser(doc)]))
  }

  /** The directory: alphabetical by handle, or ranked by a name search. */
  async list(query: { cursor?: string, limit: number, q?: string }): Promise<Page<User>> {
    if (query.q) {
      const from = offsetFromCursor(query.cursor)
      const result = await this.ports.search.search<{ handle: string }>(USERS_INDEX, { text: query.q, from, size: query.limit })
      const users = await this.byIds(result.hits.map(hit => hit.id))
      const items = result.hits.map(hit => users.get(hit.id)).filter((u): u is User => !!u)
      return { items, nextCursor: from + query.limit < result.total ? offsetCursor(from + query.limit) : null }
    }
    const page = await paginate(this.users, {}, { key: 'handle', order: 'asc', limit: query.limit, cursor: query.cursor })
    return { items: page.items.map(toUser), nextCursor: page.nextCursor }
  }

  async update(actor: Actor | null, handle: string, changes: UserUpdate): Promise<User> {
    const me = requireActor(actor)
    const target = await this.byHandle(handle)
    if (target.id !== me.id) throw forbidden('You can only edit your own profile')
    await this.publisher.commit(newEvent('users', 'user.updated', target.id, target.id, { id: target.id, changes }, me.id))
    return (await this.byId(target.id))!
  }
}
