import type { Ports } from '../ports'
import type { SearchQuery } from '../ports/search-index'
import { POSTS_INDEX, POSTS_MAPPING } from './posts-model'
import type { Actor } from './actor'
import { readableCommunityIds } from '../access/readable'
import type { CommunityService } from './communities'
import { offsetCursor, offsetFromCursor } from './pagination'
import type { PostDoc } from './posts-model'
import type { PostService } from './posts'
import type { UserService } from './users'

export interface PostSearch { q?: string, community?: string, author?: string, tag?: string, from?: string, to?: string, cursor?: string, limit: number }

/**
 * Search over posts and replies. Private communities' posts are found only by their members:
 * the query is limited, when it is made, to the communities the actor may read then.
 */
export class SearchService {
  constructor(
    private readonly ports: Pick<Ports, 'store' | 'search'>,
    private readonly users: UserService,
    private readonly communities: CommunityService,
    private readonly posts: PostService,
  ) {}

  async setup() {
    await this.ports.search.ensureIndex(POSTS_INDEX, { ...POSTS_MAPPING })
  }

  async searchPosts(actor: Actor | null, input: PostSearch) {
    const from = offsetFromCursor(input.cursor)
    const empty = { items: [], total: 0, nextCursor: null }
    const filters: NonNullable<SearchQuery['filters']> = {}
    if (input.community) {
      const { doc } = await this.communities.visible(actor, input.community).catch(() => ({ doc: null }))
      if (!doc) return empty
      filters.communityId = doc._id
    }
    // Filtered at query time by what the reader may read now, never by what the index remembers.
    const readable = await readableCommunityIds(this.ports.store, actor)
    if (filters.communityId && !readable.has(String(filters.communityId))) return empty
    if (!filters.communityId) {
      if (!readable.size) return empty
      filters.communityId = [...readable]
    }
    if (input.author) filters.authorHandle = input.author
    if (input.tag) filters.tags = input.tag
    const ranges = input.from || input.to ? { createdAt: { ...(input.from ? { gte: `${input.from}T00:00:00.000Z` } : {}), ...(input.to ? { lte: `${input.to}T23:59:59.999Z` } : {}) } } : undefined
    const result = await this.ports.search.search(POSTS_INDEX, {
      text: input.q, filters, ranges, from, size: input.limit, highlight: true,
      ...(input.q ? {} : { sort: { field: 'createdAt', order: 'desc' as const } }),
    })
    // The store has the last word: a post deleted, held or moved out of reach since it was indexed is left out.
    const docs = (await this.ports.store.collection<PostDoc>('posts').find({ _id: { $in: result.hits.map(h => h.id) }, deleted: false, held: { $ne: true } }))
      .filter(doc => readable.has(doc.communityId))
    const views = new Map((await this.posts.views(actor, docs)).map(p => [p.id, p]))
    const items = result.hits.filter(h => views.has(h.id)).map(h => ({ post: views.get(h.id)!, highlights: h.highlights }))
    return { items, total: result.total, nextCursor: from + input.limit < result.total ? offsetCursor(from + input.limit) : null }
  }
}
