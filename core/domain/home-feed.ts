import type { Post } from '../../shared/schemas/post'
import type { Filter, Ports } from '../ports'
import { readableCommunityIds } from '../access/readable'
import { hiddenAuthorsOf } from './connections-model'
import { type Actor, requireActor } from './actor'
import { HOME_LENGTH, HomeList } from './home-list'
import { type Page, checkCursor, cursorAfter, cursorValue, paginate } from './pagination'
import type { PostDoc } from './posts-model'
import type { PostService } from './posts'

/** Rounds of reading before a page gives up filling itself (a reader who hid nearly everyone). */
const MAX_ROUNDS = 6

type Sources = Filter[]

/**
 * A person's home feed: the posts of the communities they joined and of the people they follow,
 * newest first. The ids come from their list in the cache, fanned out on write by the home-live
 * consumer (HomeList); without a list to trust, or below its end, from the store (two keyset
 * queries merged), which seeds the list again. Either way what the reader may not see
 * (communities they cannot read, people blocked either way or muted, anything pending, hidden,
 * removed or deleted, sources they left) is decided on the documents at read time.
 */
export class HomeFeedService {
  private readonly lists: HomeList
  constructor(private readonly ports: Pick<Ports, 'store' | 'cache'>, private readonly posts: PostService) {
    this.lists = new HomeList(ports.cache)
  }

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
    const memberOf = new Set(memberships.map(m => m.communityId))
    const followed = new Set(follows.map(f => f.targetId))
    const accept = (doc: PostDoc) => doc.kind === 'post' && !doc.deleted && !doc.held && readable.has(doc.communityId) && !hidden.has(doc.authorId)
      && (memberOf.has(doc.communityId) || followed.has(doc.authorId))
    const sources = (extra: Filter): Sources => [
      ...(memberOf.size ? [{ ...extra, kind: 'post', communityId: { $in: [...memberOf] } }] : []),
      ...(followed.size ? [{ ...extra, kind: 'post', authorId: { $in: [...followed] } }] : []),
    ] as Sources
    const visible = { deleted: false, held: { $ne: true } } as Filter
    const done = async (docs: PostDoc[], nextCursor: string | null) => ({ items: await this.posts.views(me, docs), nextCursor })

    const before = query.cursor ? cursorValue(query.cursor) : null
    const list = await this.lists.ids(me.id, before)
    if (list) {
      const fromList = await this.fromList(list, query, accept, sources(visible))
      const wide = await this.lists.wide([...followed])
      if (!wide.length) return done(fromList.items, fromList.nextCursor)
      // Authors too widely followed to fan out are read on demand and merged in.
      const merged = await this.fromStore([{ ...visible, kind: 'post', authorId: { $in: wide } } as Filter], accept, query.cursor, query.limit)
      const byId = new Map([...fromList.items, ...merged.items].map(doc => [doc._id, doc]))
      const all = [...byId.values()].sort((a, b) => (a._id < b._id ? 1 : -1))
      // Each part is complete down to where it would go on: the merge only as far as both are.
      const edge = [fromList.nextCursor, merged.nextCursor].filter((c): c is string => !!c).map(cursorValue).sort().at(-1)
      const taken = all.filter(doc => !edge || doc._id >= edge).slice(0, query.limit)
      if (!edge && all.length <= taken.length) return done(taken, null)
      return done(taken, taken.length === query.limit || !edge ? cursorAfter(taken.at(-1)!._id) : cursorAfter(edge))
    }
    // No list to trust: the store answers, and the newest posts of the sources seed the list again.
    if (!query.cursor) await this.seed(me.id, sources({}))
    const page = await this.fromStore(sources(visible), accept, query.cursor, query.limit)
    return done(page.items, page.nextCursor)
  }

  /** A page from the person's list, and from the store below the list's end when it runs out. */
  private async fromList(list: { ids: string[], end: boolean }, query: { cursor?: string, limit: number }, accept: (doc: PostDoc) => boolean, sources: Sources): Promise<Page<PostDoc>> {
    const found = list.ids.length ? await this.collection.find({ _id: { $in: list.ids.slice(0, query.limit * 4 + 50) } }) : []
    const byId = new Map(found.map(doc => [doc._id, doc]))
    const shown = list.ids.map(id => byId.get(id)).filter((doc): doc is PostDoc => !!doc && accept(doc))
    if (shown.length > query.limit) return { items: shown.slice(0, query.limit), nextCursor: cursorAfter(shown[query.limit - 1]!._id) }
    // Everything the list held from here was read: either it reaches the end, or the store goes on below it.
    const read = Math.min(list.ids.length, query.limit * 4 + 50)
    if (read === list.ids.length && list.end) return { items: shown, nextCursor: null }
    const below = read ? cursorAfter(list.ids[read - 1]!) : query.cursor
    // A page the list filled exactly goes on after its last post.
    if (shown.length === query.limit) return { items: shown, nextCursor: cursorAfter(shown.at(-1)!._id) }
    const rest = await this.fromStore(sources, accept, below, query.limit - shown.length)
    return { items: [...shown, ...rest.items], nextCursor: rest.nextCursor }
  }

  /** The newest HOME_LENGTH posts of the sources, whatever their standing (reads decide), become the list. */
  private async seed(userId: string, sources: Sources) {
    const generation = await this.lists.beginSeed(userId)
    const pages = await Promise.all(sources.map(filter => paginate(this.collection, filter, { key: '_id', order: 'desc', limit: HOME_LENGTH })))
    const boundary = pages.filter(p => p.nextCursor).map(p => p.items.at(-1)!._id).sort().at(-1)
    const ids = [...new Set(pages.flatMap(p => p.items.map(doc => doc._id)))].filter(id => !boundary || id >= boundary).sort().reverse()
    await this.lists.seed(userId, generation, ids, !boundary)
  }

  /** Fan-out on read: the sources' queries merged, page by page, until the page is full. */
  private async fromStore(sources: Sources, accept: (doc: PostDoc) => boolean, start: string | undefined, limit: number): Promise<Page<PostDoc>> {
    const out: PostDoc[] = []
    let cursor = start
    let more = false
    for (let round = 0; round < MAX_ROUNDS && sources.length && limit > 0; round++) {
      const pages = await Promise.all(sources.map(filter => paginate(this.collection, filter, { key: '_id', order: 'desc', limit: limit + 1, cursor })))
      // Merged, the union is complete only down to the highest last id among the sources that had more.
      const boundary = pages.filter(p => p.nextCursor).map(p => p.items.at(-1)!._id).sort().at(-1)
      const merged = new Map<string, PostDoc>()
      for (const p of pages) for (const doc of p.items) if (!boundary || doc._id >= boundary) merged.set(doc._id, doc)
      for (const doc of [...merged.values()].sort((a, b) => (a._id < b._id ? 1 : -1))) if (accept(doc)) out.push(doc)
      more = !!boundary
      if (!boundary || out.length > limit) break
      cursor = cursorAfter(boundary)
    }
    const items = out.slice(0, Math.max(0, limit))
    // A full page continues after its last post; a page cut short by the rounds, after what was read.
    let nextCursor: string | null = null
    if (out.length > limit && items.length) nextCursor = cursorAfter(items.at(-1)!._id)
    else if (more) nextCursor = cursor ?? null
    return { items, nextCursor }
  }
}
