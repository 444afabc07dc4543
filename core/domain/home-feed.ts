import type { Post } from '../../shared/schemas/post'
import type { Filter, Ports } from '../ports'
import { readableCommunityIds } from '../access/readable'
import { hiddenAuthorsOf } from '../pipeline/projections/connections'
import { type Actor, requireActor } from './actor'
import { type Page, checkCursor, cursorAfter, paginate } from './pagination'
import type { PostDoc } from './posts-model'
import type { PostService } from './posts'

/** Rounds of reading before a page gives up filling itself (a reader who hid nearly everyone). */
const MAX_ROUNDS = 6

/**
 * A person's home feed: the posts of the communities they joined and of the people they follow,
 * newest first. Read on demand (fan-out on read): two keyset queries merged, then what the
 * reader may not see (communities they cannot read, people blocked either way or muted, anything
 * pending, hidden, removed or deleted) left out, so the feed always agrees with the store.
 */
export class HomeFeedService {
  constructor(private readonly ports: Pick<Ports, 'store'>, private readonly posts: PostService) {}

  private get collection() { return this.ports.store.collection<PostDoc>('posts') }

  async setup() {
    await this.collection.createIndex({ authorId: 1, kind: 1 })
  }

  async page(actor: Actor | null, query: { cursor?: string, limit: number }): Promise<Page<Post>> {
    const me = requireActor(actor)
    checkCursor(query.cursor)
    const [memberships, follows, hidden, readable] = await Promise.all([
      this.ports.store.collection<{ _id: string, communityId: string }>('memberships').find({ userId: me.id }),
      this.ports.store.collection<{ _id: string, targetId: string }>('connections').find({ kind: 'follow', userId: me.id }),
      hiddenAuthorsOf(this.ports.store, me.id),
      readableCommunityIds(this.ports.store, me),
    ])
    const visible = { kind: 'post', deleted: false, held: { $ne: true } }
    const sources: Filter[] = [
      ...(memberships.length ? [{ ...visible, communityId: { $in: memberships.map(m => m.communityId) } }] : []),
      ...(follows.length ? [{ ...visible, authorId: { $in: follows.map(f => f.targetId) } }] : []),
    ] as Filter[]
    const out: PostDoc[] = []
    let cursor = query.cursor
    let more = false
    const batch = query.limit + 1
    for (let round = 0; round < MAX_ROUNDS && sources.length; round++) {
      const pages = await Promise.all(sources.map(filter => paginate(this.collection, filter, { key: '_id', order: 'desc', limit: batch, cursor })))
      // Merged, the union is complete only down to the highest last id among the sources that had more.
      const boundary = pages.filter(p => p.nextCursor).map(p => p.items.at(-1)!._id).sort().at(-1)
      const merged = new Map<string, PostDoc>()
      for (const p of pages) for (const doc of p.items) if (!boundary || doc._id >= boundary) merged.set(doc._id, doc)
      for (const doc of [...merged.values()].sort((a, b) => (a._id < b._id ? 1 : -1))) {
        if (readable.has(doc.communityId) && !hidden.has(doc.authorId)) out.push(doc)
      }
      more = !!boundary
      if (!boundary || out.length > query.limit) break
      cursor = cursorAfter(boundary)
    }
    const items = out.slice(0, query.limit)
    // A full page continues after its last post; a page cut short by the rounds, after what was read.
    let nextCursor: string | null = null
    if (out.length > query.limit) nextCursor = cursorAfter(items.at(-1)!._id)
    else if (more) nextCursor = cursor ?? null
    return { items: await this.posts.views(me, items), nextCursor }
  }
}
