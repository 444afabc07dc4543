import type { Notification } from '../../shared/schemas/notification'
import type { Ports } from '../ports'
import { notifications } from '../pipeline/notifier'
import type { NotificationDoc } from '../pipeline/notifier'
import { type Actor, requireActor } from './actor'
import { type Page, paginate } from './pagination'
import type { UserService } from './users'
import type { PostDoc } from './posts-model'
import { readableCommunityIds } from '../access/readable'

const MARK_ALL_LIMIT = 1000

/** A person's notifications, written by the notifier consumer, read and marked here. */
export class NotificationService {
  constructor(private readonly ports: Pick<Ports, 'store'>, private readonly users: UserService) {}

  private get collection() { return notifications(this.ports.store) }

  async setup() {
    await this.collection.createIndex({ userId: 1, seq: 1 })
    await this.collection.createIndex({ userId: 1, read: 1 })
  }

  async list(actor: Actor | null, query: { cursor?: string, limit: number }): Promise<Page<Notification>> {
    const me = requireActor(actor)
    const found = await paginate(this.collection, { userId: me.id }, { key: 'seq', order: 'desc', limit: query.limit, cursor: query.cursor })
    const page = { ...found, items: await this.stillReadable(me, found.items) }
    const actors = await this.users.byIds(page.items.map(n => n.actorId).filter((id): id is string => !!id))
    const slugs = new Map((await this.ports.store.collection<{ _id: string, slug: string }>('communities').find({ _id: { $in: [...new Set(page.items.map(n => n.communityId))] } })).map(c => [c._id, c.slug]))
    return {
      items: page.items.map((n: NotificationDoc) => {
        const who = n.actorId ? actors.get(n.actorId) : undefined
        return {
          id: n._id, type: n.type, postId: n.postId, rootId: n.rootId, communitySlug: slugs.get(n.communityId) ?? '', text: n.text, read: n.read, createdAt: n.createdAt,
          actor: who ? { id: who.id, handle: who.handle, displayName: who.displayName, avatarUrl: who.avatarUrl } : null,
        }
      }),
      nextCursor: page.nextCursor,
    }
  }

  /**
   * A notification quotes its post: it is shown only while the reader may still read that post
   * (its community readable, the post neither deleted nor held back). Decisions go to the
   * author and moderation notices to the moderators, who keep seeing them.
   */
  private async stillReadable(me: Actor, items: NotificationDoc[]): Promise<NotificationDoc[]> {
    if (!items.length) return items
    const [readable, posts] = await Promise.all([
      readableCommunityIds(this.ports.store, me),
      this.ports.store.collection<PostDoc>('posts').find({ _id: { $in: [...new Set(items.map(n => n.postId))] } }),
    ])
    const gone = new Set(posts.filter(p => p.deleted || p.held).map(p => p._id))
    return items.filter(n => n.type === 'follow' || (readable.has(n.communityId) && (n.type === 'decision' || n.type === 'moderation' || !gone.has(n.postId))))
  }

  async unread(actor: Actor | null) {
    return { unread: await this.collection.count({ userId: requireActor(actor).id, read: false }) }
  }

  /** Reading is a person's own bookkeeping, not content: it is written directly, not as an event. */
  async markRead(actor: Actor | null, input: { ids?: string[], all?: boolean }) {
    const me = requireActor(actor)
    const targets = input.all
      ? await this.collection.find({ userId: me.id, read: false }, { limit: MARK_ALL_LIMIT })
      : await this.collection.find({ _id: { $in: input.ids ?? [] }, userId: me.id })
    for (const n of targets) await this.collection.updateOne({ _id: n._id, userId: me.id }, { $set: { read: true } })
    return this.unread(me)
  }
}
