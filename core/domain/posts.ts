import { POST_BODY_MAX, type Post, type PostVersion } from '../../shared/schemas/post'
import type { ReactionKind } from '../../shared/schemas/events'
import type { Ports } from '../ports'
import { newEvent } from '../pipeline/events'
import type { EventPublisher } from '../pipeline/publisher'
import { renderMarkdown } from '../content/markdown'
import { refreshPost } from '../pipeline/cacher'
import { type Actor, isAdmin, requireActor } from './actor'
import type { CommunityDoc, CommunityService } from './communities'
import { conflict, forbidden, notFound } from './errors'
import type { GroupService } from './groups'
import { newId } from './ids'
import { type Page, paginate } from './pagination'
import { type PostCreatedData, type PostDoc, type PostVersionDoc, postOfCreated } from './posts-model'
import type { FeedCache } from './feed-cache'
import type { UserService } from './users'
import { banMessage, isModeratorRole } from './moderation'
import type { MediaService } from '../media/service'
import { hiddenAuthorsOf } from './connections-model'

const THREAD_LIMIT = 500

/** Posts, threaded replies, reactions and shares, all written as events. */
export class PostService {
  constructor(
    private readonly ports: Pick<Ports, 'store' | 'cache'>,
    private readonly users: UserService,
    private readonly communities: CommunityService,
    private readonly groups: GroupService,
    private readonly publisher: EventPublisher,
    private readonly feedCache: FeedCache,
    /** The clock a mute's end is judged by. */
    private readonly now: () => number = Date.now,
    /** Attached files: checked on the way in, shown with the post. */
    private readonly media: MediaService | null = null,
  ) {}

  private get posts() { return this.ports.store.collection<PostDoc>('posts') }

  /**
   * Read-your-writes for the feed: the cacher copies a change into the cache soon after it is
   * persisted; the writer's own request does it at once, so a reload shows it. Both write the
   * same current state, so the order they land in does not matter.
   */
  /** After a moderation decision too: the post may enter or leave the feed. */
  refreshViews(id: string) { return this.writeThrough(id) }

  private async writeThrough(id: string) {
    await refreshPost(this.ports, this.feedCache, id).catch(error => console.warn(`[posts] cache write-through for ${id} failed: ${(error as Error).message}`))
  }

  async setup() {
    await this.posts.createIndex({ communityId: 1, kind: 1 })
    await this.posts.createIndex({ rootId: 1 })
    await this.ports.store.collection('post_versions').createIndex({ postId: 1, at: 1 })
    await this.ports.store.collection('reactions').createIndex({ postId: 1, kind: 1 })
    await this.ports.store.collection('shares').createIndex({ postId: 1 })
  }

  /** Turns stored posts into what the API answers, with authors, community slugs and my reactions. */
  async views(actor: Actor | null, docs: PostDoc[], known: { community?: CommunityDoc, fresh?: boolean } = {}): Promise<Post[]> {
    const authors = await this.users.byIds(docs.map(d => d.authorId))
    const communityIds = [...new Set(docs.map(d => d.communityId))]
    // A new post's community is at hand already, and nobody can have reacted to it yet.
    const communities = known.community && communityIds.every(id => id === known.community!._id)
      ? [known.community]
      : await this.ports.store.collection<CommunityDoc>('communities').find({ _id: { $in: communityIds } })
    const slugs = new Map(communities.map(c => [c._id, c.slug]))
    const mine = actor && docs.length && !known.fresh
      ? await this.ports.store.collection<{ _id: string, postId: string, kind: ReactionKind }>('reactions').find({ userId: actor.id, postId: { $in: docs.map(d => d._id) } })
      : []
    const files = this.media ? await this.media.viewsByIds(docs.flatMap(d => (d.deleted ? [] : d.attachments ?? []))) : new Map()
    return docs.map((doc) => {
      const author = authors.get(doc.authorId)
      return {
        id: doc._id, communityId: doc.communityId, communitySlug: slugs.get(doc.communityId) ?? '', kind: doc.kind, parentId: doc.parentId, rootId: doc.rootId,
        // A deleted post keeps its place in a thread, not its words: those stay in the versions, for moderators.
        title: doc.deleted ? '' : doc.title, body: doc.deleted ? '' : doc.body, bodyHtml: doc.deleted ? '' : renderMarkdown(doc.body), tags: doc.deleted ? [] : doc.tags,
        author: author ? { id: author.id, handle: author.handle, displayName: author.displayName, avatarUrl: author.avatarUrl } : { id: doc.authorId, handle: 'unknown', displayName: 'Unknown user', avatarUrl: null },
        createdAt: doc.createdAt, updatedAt: doc.updatedAt, version: doc.version, deleted: doc.deleted,
        replyCount: doc.replyCount, reactionCounts: doc.reactionCounts, shareCount: doc.shareCount,
        myReactions: mine.filter(r => r.postId === doc._id).map(r => r.kind),
        moderation: doc.moderation ?? 'published',
        attachments: doc.deleted ? [] : (doc.attachments ?? []).flatMap(id => (files.has(id) ? [files.get(id)!] : [])),
      }
    })
  }

  /**
   * A post the actor may read: its community must be visible to them, and a post held back by
   * moderation (pending, rejected, hidden) is seen only by its author and the moderators.
   */
  private async readable(actor: Actor | null, id: string): Promise<{ doc: PostDoc, community: CommunityDoc, role: string | null }> {
    const doc = await this.stored(id)
    if (!doc) throw notFound('Post')
    const { doc: community, role } = await this.communities.visibleById(actor, doc.communityId).catch(() => { throw notFound('Post') })
    if (doc.held && !this.seesHeld(actor, doc, role)) throw notFound('Post')
    return { doc, community, role }
  }

  /** The stored post, once the persister has it: a post accepted here and not yet stored is awaited, not missing. */
  stored(id: string): Promise<PostDoc | null> {
    return this.publisher.readAfterPending(id, () => this.posts.findOne({ _id: id }))
  }

  private seesHeld(actor: Actor | null, doc: PostDoc, role: string | null) {
    return !!actor && (doc.authorId === actor.id || isModeratorRole(role) || isAdmin(actor))
  }

  async get(actor: Actor | null, id: string): Promise<Post> {
    const { doc } = await this.readable(actor, id)
    return (await this.views(actor, [doc]))[0]!
  }

  /** Newest first; served from the cache's feed when it has one, from the store otherwise. */
  async feed(actor: Actor | null, slug: string, query: { cursor?: string, limit: number }): Promise<Page<Post>> {
    const { doc: community } = await this.communities.visible(actor, slug)
    // What was accepted here for the community shows up in the feed read after it.
    await this.publisher.settled(community._id)
    // Your own posts awaiting approval (or held back) head the first page, marked; nobody else sees them.
    const mine = actor && !query.cursor ? await this.posts.find({ communityId: community._id, authorId: actor.id, kind: 'post', held: true, deleted: false }, { sort: { _id: -1 }, limit: 20 }) : []
    // Posts of people blocked either way, or muted, stay out of the reader's feed.
    const hidden = actor ? await hiddenAuthorsOf(this.ports.store, actor.id) : new Set<string>()
    const shown = (docs: PostDoc[]) => docs.filter(doc => !hidden.has(doc.authorId))
    const cached = await this.feedCache.page(community._id, query)
    if (cached) {
      // The cache learns of a flag a moment after the store: the store has the last word on what is held.
      const held = new Set((await this.posts.find({ _id: { $in: cached.items.map(doc => doc._id) }, held: true })).map(doc => doc._id))
      return { items: await this.views(actor, [...mine, ...shown(cached.items.filter(doc => !held.has(doc._id)))]), nextCursor: cached.nextCursor }
    }
    const page = await paginate(this.posts, { communityId: community._id, kind: 'post', deleted: false, held: { $ne: true } }, { key: '_id', order: 'desc', limit: query.limit, cursor: query.cursor })
    return { items: await this.views(actor, [...mine, ...shown(page.items)]), nextCursor: page.nextCursor }
  }

  /** Every reply under a post, oldest first; pages build the tree from parentId. */
  async thread(actor: Actor | null, id: string): Promise<Post[]> {
    const { doc, role } = await this.readable(actor, id)
    await this.publisher.settled(doc.communityId)
    const replies = await this.posts.find({ rootId: doc.rootId, kind: 'reply' }, { sort: { _id: 1 }, limit: THREAD_LIMIT })
    return this.views(actor, replies.filter(reply => !reply.held || this.seesHeld(actor, reply, role)))
  }

  /** Members write; a muted or banned one not until the ban ends. */
  private async member(actor: Actor, community: CommunityDoc, role: string | null) {
    if (!role && !isAdmin(actor)) throw forbidden(`Join ${community.name} to post in it`)
    await this.notBanned(actor, community)
  }

  private async notBanned(actor: Actor, community: CommunityDoc) {
    const ban = await this.communities.activeBan(community._id, actor.id, this.now())
    if (ban) throw forbidden(banMessage(ban, community.name))
  }

  /** In a community whose posts need approval, a member's new post waits for a moderator. */
  private needsApproval(actor: Actor, community: CommunityDoc, role: string | null) {
    return community.postsNeedApproval && !isModeratorRole(role) && !isAdmin(actor) ? { moderation: 'pending' as const } : {}
  }

  /** The files a new post or reply carries, checked: event data names them only when there are some. */
  private async attachments(me: Actor, ids: string[] | undefined) {
    if (!ids?.length) return {}
    if (!this.media) throw conflict('Attachments are not available')
    return { attachments: await this.media.attachable(me, ids) }
  }

  async create(actor: Actor | null, slug: string, input: { title: string, body: string, tags: string[], attachments?: string[] }): Promise<Post> {
    const me = requireActor(actor)
    const { doc: community, role } = await this.communities.visible(me, slug)
    await this.member(me, community, role)
    const { attachments: ids, ...content } = input
    const attachments = await this.attachments(me, ids)
    const id = newId()
    return this.publishNew(me, community, { id, communityId: community._id, authorId: me.id, parentId: null, rootId: id, ...content, ...attachments, ...this.needsApproval(me, community, role) })
  }

  /**
   * A new post or reply is accepted at Kafka's ack (every check is behind it, nothing downstream
   * rejects it) and answered from the event itself; the author's next request waits until the
   * persister has applied it and the feed cache holds it.
   */
  private async publishNew(me: Actor, community: CommunityDoc, data: PostCreatedData): Promise<Post> {
    const pending = newEvent('posts', 'post.created', data.id, data.communityId, { ...data }, me.id)
    await this.publisher.accept(pending, () => this.writeThrough(data.id))
    return (await this.views(me, [postOfCreated(data, pending.event.time)], { community, fresh: true }))[0]!
  }

  async reply(actor: Actor | null, parentId: string, input: { body: string, attachments?: string[] }): Promise<Post> {
    const me = requireActor(actor)
    const { doc: parent, community, role } = await this.readable(me, parentId)
    await this.member(me, community, role)
    if (parent.deleted) throw conflict('This post was deleted: it takes no more replies')
    const attachments = await this.attachments(me, input.attachments)
    return this.publishNew(me, community, { id: newId(), communityId: community._id, authorId: me.id, parentId, rootId: parent.rootId, title: '', body: input.body, tags: [], ...attachments })
  }

  async edit(actor: Actor | null, id: string, changes: { title?: string, body?: string, tags?: string[] }): Promise<Post> {
    const me = requireActor(actor)
    const { doc } = await this.readable(me, id)
    if (doc.authorId !== me.id) throw forbidden('Only the author can edit a post')
    if (doc.deleted) throw conflict('A deleted post cannot be edited')
    const next = { title: changes.title ?? doc.title, body: changes.body ?? doc.body, tags: changes.tags ?? doc.tags }
    await this.publisher.commit(newEvent('posts', 'post.edited', id, doc.communityId, { id, ...next }, me.id))
    await this.writeThrough(id)
    return this.get(me, id)
  }

  /** Authors delete their own; moderators and owners delete any in their community. */
  async remove(actor: Actor | null, id: string): Promise<void> {
    const me = requireActor(actor)
    const { doc, role } = await this.readable(me, id)
    const allowed = doc.authorId === me.id || role === 'owner' || role === 'moderator' || isAdmin(me)
    if (!allowed) throw forbidden('Only the author or a moderator can delete this post')
    if (doc.deleted) return
    await this.publisher.commit(newEvent('posts', 'post.deleted', id, doc.communityId, { id, communityId: doc.communityId, deletedBy: me.id }, me.id))
    await this.writeThrough(id)
  }

  async history(actor: Actor | null, id: string): Promise<PostVersion[]> {
    const { doc, role } = await this.readable(actor, id)
    // The versions of deleted content are for the community's moderators and audit alone.
    if (doc.deleted && !isModeratorRole(role) && !isAdmin(actor)) throw notFound('Post history')
    // Why a moderator or the flagger changed a post's standing is for its author and the moderators.
    const privileged = this.seesHeld(actor, doc, role)
    const versions = await this.ports.store.collection<PostVersionDoc>('post_versions').find({ postId: id }, { sort: { at: 1, _id: 1 } })
    const editors = await this.users.byIds(versions.map(v => v.editorId))
    return versions.map((v, i) => {
      const editor = editors.get(v.editorId)
      return {
        version: i + 1, at: v.at, title: v.title, body: v.body, bodyHtml: v.deleted ? '' : renderMarkdown(v.body), tags: v.tags, deleted: v.deleted,
        editor: editor ? { id: editor.id, handle: editor.handle, displayName: editor.displayName, avatarUrl: editor.avatarUrl } : null,
        moderation: v.moderation ?? 'published', reason: privileged ? v.reason ?? null : null,
      }
    })
  }

  async react(actor: Actor | null, id: string, kind: ReactionKind): Promise<Post> {
    const me = requireActor(actor)
    const { doc, community } = await this.readable(me, id)
    await this.notBanned(me, community)
    if (doc.deleted) throw conflict('A deleted post takes no reactions')
    if (await this.ports.store.collection('reactions').findOne({ _id: `${id}:${me.id}:${kind}` })) throw conflict(`You already reacted with ${kind}`)
    // Accepted at the ack and answered with the count it makes; a double click that slips past the
    // check above is applied once (the reaction's id is the post, person and kind).
    await this.publisher.accept(newEvent('reactions', 'reaction.added', id, doc.communityId, { postId: id, communityId: doc.communityId, userId: me.id, kind, authorId: doc.authorId }, me.id), () => this.writeThrough(id))
    // The post was read before the reaction existed (checked above), so its count lacks this one.
    const [view] = await this.views(me, [doc])
    return { ...view!, myReactions: [...new Set([...view!.myReactions, kind])], reactionCounts: { ...doc.reactionCounts, [kind]: (doc.reactionCounts[kind] ?? 0) + 1 } }
  }

  async unreact(actor: Actor | null, id: string, kind: ReactionKind): Promise<Post> {
    const me = requireActor(actor)
    const { doc } = await this.readable(me, id)
    if (!(await this.ports.store.collection('reactions').findOne({ _id: `${id}:${me.id}:${kind}` }))) throw notFound('Reaction')
    await this.publisher.commit(newEvent('reactions', 'reaction.removed', id, doc.communityId, { postId: id, communityId: doc.communityId, userId: me.id, kind }, me.id))
    await this.writeThrough(id)
    return this.get(me, id)
  }

  /** Shares to a community (a crosspost there), to a group you belong to, or as a link. */
  async share(actor: Actor | null, id: string, target: { type: 'community', slug: string } | { type: 'group', groupId: string } | { type: 'link' }, baseUrl: string) {
    const me = requireActor(actor)
    const { doc, community } = await this.readable(me, id)
    await this.notBanned(me, community)
    if (doc.deleted) throw conflict('A deleted post cannot be shared')
    const url = `${baseUrl}/c/${community.slug}/p/${doc.rootId}${doc.kind === 'reply' ? `#post-${doc._id}` : ''}`
    let crosspostId: string | null = null
    let recorded: Record<string, unknown> = { type: 'link' }
    if (target.type === 'community') {
      // A crosspost copies the text where others read it: a private community's posts stay in it.
      if (community.visibility === 'private') throw forbidden('Posts of a private community cannot be shared to another community')
      const { doc: into, role } = await this.communities.visible(me, target.slug)
      await this.member(me, into, role)
      if (into._id === community._id) throw conflict('The post is already in this community')
      crosspostId = newId()
      const copy = crosspostId
      await this.publisher.accept(newEvent('posts', 'post.created', crosspostId, into._id, {
        id: crosspostId, communityId: into._id, authorId: me.id, parentId: null, rootId: crosspostId,
        title: doc.title || `Shared from ${community.name}`, body: crosspostBody(`Shared from [${community.name}](${url}):\n\n`, doc.body), tags: doc.tags,
        ...this.needsApproval(me, into, role),
      }, me.id), () => this.writeThrough(copy))
      recorded = { type: 'community', communityId: into._id, postId: crosspostId }
    }
    else if (target.type === 'group') {
      const group = await this.groups.get(me, target.groupId)
      recorded = { type: 'group', groupId: group.id }
    }
    const shareId = newId()
    await this.publisher.accept(newEvent('shares', 'share.created', id, doc.communityId, { id: shareId, postId: id, communityId: doc.communityId, userId: me.id, authorId: doc.authorId, target: recorded, url }, me.id), () => this.writeThrough(id))
    return { shareId, url, crosspostId }
  }
}

/** A crosspost's text: the note of where it comes from, then the original, cut to fit a post. */
export function crosspostBody(note: string, original: string): string {
  const text = `${note}${original}`
  return text.length <= POST_BODY_MAX ? text : `${text.slice(0, POST_BODY_MAX - 1)}…`
}
