import Graph from 'graphology'
import type { DocumentStore } from '../ports'
import { type EventRecord, eventLog } from '../pipeline/event-log'

/**
 * The social graph the suggester reasons over, kept in memory by the worker: users, communities,
 * groups and interests as nodes; memberships, interests, community topics and interactions between
 * people as undirected edges. One function, `apply`, changes it, for an event from the stream and
 * for an event replayed from the immutable log alike, so a graph kept current from the stream and
 * one rebuilt from scratch are the same by construction (and the tests check it).
 */
export type NodeKind = 'user' | 'community' | 'group' | 'interest'
export type EdgeKind = 'member' | 'interest' | 'topic' | 'interaction'

export interface NodeAttributes {
  kind: NodeKind
  /** The id in its own collection (the tag itself for an interest). */
  id: string
  name?: string
  handle?: string
  slug?: string
  visibility?: 'public' | 'private'
  ownerId?: string
}
export interface EdgeAttributes {
  kind: EdgeKind
  /** For an interaction: the facts behind it (a reply, a reaction, a share, a message), each once. */
  facts?: string[]
}

export const userNode = (id: string) => `user:${id}`
export const communityNode = (id: string) => `community:${id}`
export const groupNode = (id: string) => `group:${id}`
export const interestNode = (tag: string) => `interest:${tag}`

/** What apply reads of an event: a CloudEvent or an event-log record. */
export interface GraphEvent { id: string, type: string, data: Record<string, unknown> }

// Event data as the graph reads it: validated by the consumer before it gets here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>

/** The fact a follow leaves on the edge between follower and followed. */
export const followFact = (followerId: string, followedId: string) => `follow:${followerId}>${followedId}`

export type DismissalKind = 'community' | 'person'
export const dismissalKey = (kind: DismissalKind, targetId: string) => `${kind}:${targetId}`

export class SocialGraph {
  readonly graph = new Graph<NodeAttributes, EdgeAttributes>({ type: 'undirected', multi: false, allowSelfLoops: false })
  /** Who wrote each post, so that a reply to it becomes an interaction between two people. */
  private readonly postAuthors = new Map<string, string>()
  /**
   * Changes that need a post's author, held until the post is known. Posts, reactions and shares
   * travel on different topics, which Kafka does not order with each other: a reaction and its
   * removal can both arrive before the post they are on, and must then land as in the log.
   */
  private readonly awaitingPost = new Map<string, Array<(author: string) => string[]>>()
  /** Per user, the suggestions they dismissed (`community:<id>`, `person:<id>`). */
  private readonly dismissals = new Map<string, Set<string>>()
  /** Per user, the people blocked either way with them: never suggested to each other. */
  private readonly blocks = new Map<string, Set<string>>()
  /**
   * Events already applied. The graph is loaded from the log and then fed by the stream, which
   * may hand back events the log already had (a consumer group resumes at its committed offset,
   * a redelivery after a crash): each is applied once, so a late duplicate cannot undo a newer
   * change (a `joined` redelivered after a `left`).
   */
  private readonly applied = new Set<string>()

  get appliedCount() { return this.applied.size }
  has(eventId: string) { return this.applied.has(eventId) }
  dismissed(userId: string): ReadonlySet<string> { return this.dismissals.get(userId) ?? new Set() }
  blockedWith(userId: string): ReadonlySet<string> { return this.blocks.get(userId) ?? new Set() }
  /** Whether a follows b: the follow fact on their edge. */
  follows(a: string, b: string): boolean {
    const [na, nb] = [userNode(a), userNode(b)]
    return this.graph.hasNode(na) && this.graph.hasNode(nb) && this.graph.hasEdge(na, nb) && (this.graph.getEdgeAttribute(na, nb, 'facts') ?? []).includes(followFact(a, b))
  }

  /**
   * Applies one event and returns the nodes it changed (empty when the event was seen before or
   * is of a type the graph does not use, which it ignores).
   */
  apply(event: GraphEvent): string[] {
    if (this.applied.has(event.id)) return []
    this.applied.add(event.id)
    const handler = this.handlers[event.type]
    return handler ? handler(event.data as Data, event.id) : []
  }

  private readonly handlers: Record<string, (data: Data, eventId: string) => string[]> = {
    'c18n.user.registered': d => this.upsertUser(d.id, d.handle, d.displayName, d.interests),
    'c18n.user.updated': d => this.upsertUser(d.id, d.changes.handle, d.changes.displayName, d.changes.interests),
    'c18n.community.created': (d) => {
      const node = this.merge(communityNode(d.id), { kind: 'community', id: d.id, name: d.name, slug: d.slug, visibility: d.visibility, ownerId: d.ownerId })
      this.setLinks(node, 'topic', d.topics)
      return [node, this.link(userNode(d.ownerId), node, 'member')]
    },
    'c18n.community.updated': (d) => {
      const node = this.merge(communityNode(d.id), { kind: 'community', id: d.id, ...pick(d.changes, ['name', 'visibility']) })
      if (d.changes.topics) this.setLinks(node, 'topic', d.changes.topics)
      return [node]
    },
    'c18n.membership.joined': d => [this.link(userNode(d.userId), this.merge(communityNode(d.communityId), { kind: 'community', id: d.communityId }), 'member'), communityNode(d.communityId)],
    'c18n.membership.left': d => this.unlink(userNode(d.userId), communityNode(d.communityId)),
    'c18n.group.created': (d) => {
      const node = this.merge(groupNode(d.id), { kind: 'group', id: d.id, name: d.name })
      for (const member of d.memberIds as string[]) this.link(userNode(member), node, 'member')
      return [node, ...(d.memberIds as string[]).map(userNode)]
    },
    'c18n.group.renamed': d => [this.merge(groupNode(d.id), { kind: 'group', id: d.id, name: d.name })],
    'c18n.group.member_added': d => [this.link(userNode(d.userId), this.merge(groupNode(d.id), { kind: 'group', id: d.id }), 'member'), groupNode(d.id)],
    'c18n.group.member_removed': d => this.unlink(userNode(d.userId), groupNode(d.id)),
    'c18n.group.deleted': (d) => {
      const node = groupNode(d.id)
      if (!this.graph.hasNode(node)) return []
      const members = this.graph.neighbors(node)
      this.graph.dropNode(node)
      return members
    },
    'c18n.post.created': (d) => {
      const changed = d.parentId ? this.withAuthorOf(d.parentId, undefined, parent => this.interact(d.authorId, parent, `reply:${d.id}`)) : []
      return [...changed, ...this.authorKnown(d.id, d.authorId)]
    },
    'c18n.reaction.added': d => this.withAuthorOf(d.postId, d.authorId, author => this.interact(d.userId, author, `reaction:${d.postId}:${d.userId}:${d.kind}`)),
    'c18n.reaction.removed': d => this.withAuthorOf(d.postId, d.authorId, author => this.forget(d.userId, author, `reaction:${d.postId}:${d.userId}:${d.kind}`)),
    'c18n.share.created': d => this.withAuthorOf(d.postId, d.authorId, author => this.interact(d.userId, author, `share:${d.id}`)),
    // MESSAGES (the lead's real-time chat, topic `<ns>.messages`): a direct message is an
    // interaction between its author and each other participant. Messages in community and group
    // rooms are left out: a room of many is not a conversation between two people.
    'c18n.message.sent': (d, eventId) => {
      if (d.roomKind !== 'direct' || typeof d.authorId !== 'string' || !Array.isArray(d.participants)) return []
      const others = (d.participants as unknown[]).filter((p): p is string => typeof p === 'string' && p !== d.authorId)
      return others.flatMap(other => this.interact(d.authorId, other, `message:${d.id ?? eventId}`))
    },
    // CONNECTIONS: a follow is a fact on the edge between two people, beside their interactions;
    // a block takes both follows away (as the persister does).
    'c18n.connection.followed': d => this.interact(d.userId, d.targetId, followFact(d.userId, d.targetId)),
    'c18n.connection.unfollowed': d => this.forget(d.userId, d.targetId, followFact(d.userId, d.targetId)),
    'c18n.connection.blocked': (d) => {
      this.setBlock(d.userId, d.targetId, true)
      return [...this.forget(d.userId, d.targetId, followFact(d.userId, d.targetId)), ...this.forget(d.userId, d.targetId, followFact(d.targetId, d.userId)), userNode(d.userId), userNode(d.targetId)]
    },
    'c18n.connection.unblocked': (d) => {
      this.setBlock(d.userId, d.targetId, false)
      return [userNode(d.userId), userNode(d.targetId)]
    },
    'c18n.suggestion.dismissed': (d) => {
      const set = this.dismissals.get(d.userId) ?? new Set<string>()
      set.add(dismissalKey(d.kind, d.targetId))
      this.dismissals.set(d.userId, set)
      return [userNode(d.userId)]
    },
  }

  /** Runs a change that needs a post's author now if it is known, else once the post arrives. */
  private withAuthorOf(postId: string, given: string | undefined, change: (author: string) => string[]): string[] {
    const author = given ?? this.postAuthors.get(postId)
    if (author) return change(author)
    const waiting = this.awaitingPost.get(postId) ?? []
    waiting.push(change)
    this.awaitingPost.set(postId, waiting)
    return []
  }

  /** Records a post's author and runs, in their order of arrival, the changes that waited for it. */
  private authorKnown(postId: string, author: string): string[] {
    this.postAuthors.set(postId, author)
    const waiting = this.awaitingPost.get(postId) ?? []
    this.awaitingPost.delete(postId)
    return waiting.flatMap(change => change(author))
  }

  /** Blocks are kept per direction drawn, so that lifting one of two blocks keeps the other. */
  private readonly blockPairs = new Set<string>()
  private setBlock(a: string, b: string, on: boolean) {
    if (on) this.blockPairs.add(`${a}>${b}`)
    else this.blockPairs.delete(`${a}>${b}`)
    const either = this.blockPairs.has(`${a}>${b}`) || this.blockPairs.has(`${b}>${a}`)
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const set = this.blocks.get(x) ?? new Set<string>()
      if (either) set.add(y)
      else set.delete(y)
      this.blocks.set(x, set)
    }
  }

  private merge(node: string, attributes: NodeAttributes): string {
    this.graph.mergeNode(node, attributes)
    return node
  }

  /** A node first seen as the far end of an edge (events of other topics can come first). */
  private ensure(node: string): string {
    if (this.graph.hasNode(node)) return node
    const [kind, ...rest] = node.split(':')
    return this.merge(node, { kind: kind as NodeKind, id: rest.join(':') })
  }

  private link(a: string, b: string, kind: EdgeKind): string {
    this.graph.mergeEdge(this.ensure(a), this.ensure(b), { kind })
    return a
  }

  private unlink(a: string, b: string): string[] {
    if (this.graph.hasNode(a) && this.graph.hasNode(b) && this.graph.hasEdge(a, b)) this.graph.dropEdge(a, b)
    this.dropIfOrphanInterest(b)
    return [a, b]
  }

  private upsertUser(id: string, handle?: string, name?: string, interests?: string[]): string[] {
    const node = this.merge(userNode(id), { kind: 'user', id, ...(handle !== undefined ? { handle } : {}), ...(name !== undefined ? { name } : {}) })
    if (interests) this.setLinks(node, 'interest', interests)
    return [node]
  }

  /** Replaces a node's interest (or topic) edges with the given tags. */
  private setLinks(node: string, kind: 'interest' | 'topic', tags: string[]) {
    const wanted = new Set(tags.map(interestNode))
    for (const neighbour of this.graph.neighbors(node)) {
      if (this.graph.getNodeAttribute(neighbour, 'kind') === 'interest' && !wanted.has(neighbour)) this.unlink(node, neighbour)
    }
    for (const tag of tags) this.link(node, this.merge(interestNode(tag), { kind: 'interest', id: tag }), kind)
  }

  private dropIfOrphanInterest(node: string) {
    if (this.graph.hasNode(node) && this.graph.getNodeAttribute(node, 'kind') === 'interest' && this.graph.degree(node) === 0) this.graph.dropNode(node)
  }

  private interact(a: string, b: string, fact: string): string[] {
    if (a === b) return []
    const [na, nb] = [this.ensure(userNode(a)), this.ensure(userNode(b))]
    const facts = this.graph.hasEdge(na, nb) ? this.graph.getEdgeAttribute(na, nb, 'facts') ?? [] : []
    if (!facts.includes(fact)) this.graph.mergeEdge(na, nb, { kind: 'interaction', facts: [...facts, fact] })
    return [na, nb]
  }

  private forget(a: string, b: string, fact: string): string[] {
    const [na, nb] = [userNode(a), userNode(b)]
    if (!this.graph.hasNode(na) || !this.graph.hasNode(nb) || !this.graph.hasEdge(na, nb)) return []
    const facts = (this.graph.getEdgeAttribute(na, nb, 'facts') ?? []).filter(f => f !== fact)
    if (facts.length) this.graph.setEdgeAttribute(na, nb, 'facts', facts)
    else this.graph.dropEdge(na, nb)
    return [na, nb]
  }

  /** The users whose suggestions a change to these nodes can move: those within two steps. */
  usersNear(nodes: string[]): string[] {
    const found = new Set<string>()
    let frontier = nodes.filter(n => this.graph.hasNode(n))
    const seen = new Set(frontier)
    for (let depth = 0; depth <= 2; depth++) {
      const next: string[] = []
      for (const node of frontier) {
        if (this.graph.getNodeAttribute(node, 'kind') === 'user') found.add(node)
        if (depth === 2) continue
        for (const neighbour of this.graph.neighbors(node)) {
          if (!seen.has(neighbour)) {
            seen.add(neighbour)
            next.push(neighbour)
          }
        }
      }
      frontier = next
    }
    for (const node of nodes) if (node.startsWith('user:')) found.add(node)
    return [...found].map(node => node.slice('user:'.length))
  }

  /** A canonical plain form, for comparing two graphs. */
  snapshot() {
    const nodes = this.graph.mapNodes((key, attributes) => ({ key, attributes })).sort((a, b) => a.key.localeCompare(b.key))
    const edges = this.graph.mapEdges((_, attributes, source, target) => {
      const [a, b] = [source, target].sort()
      return { a, b, kind: attributes.kind, facts: attributes.facts ? [...attributes.facts].sort() : undefined }
    }).sort((x, y) => `${x.a}|${x.b}`.localeCompare(`${y.a}|${y.b}`))
    return {
      nodes,
      edges,
      postAuthors: [...this.postAuthors].sort(([a], [b]) => a.localeCompare(b)),
      dismissals: [...this.dismissals].map(([user, set]) => [user, [...set].sort()] as const).sort(([a], [b]) => a.localeCompare(b)),
      blocks: [...this.blockPairs].sort(),
    }
  }
}

function pick(source: Data, keys: string[]): Data {
  return Object.fromEntries(keys.filter(key => source[key] !== undefined).map(key => [key, source[key]]))
}

const PAGE = 500

/** The applied events of the immutable log in order of time, then id: what a rebuild replays. */
export async function* appliedEvents(store: DocumentStore): AsyncGenerator<EventRecord> {
  const log = eventLog(store)
  let lastTime = ''
  let lastId = ''
  for (;;) {
    // Keyset paging on (time, _id) in two steps, as the view rebuild does: the rest of the current
    // millisecond first, then later ones, since one millisecond can hold more than a page.
    let batch = lastTime ? await log.find({ time: lastTime, _id: { $gt: lastId } }, { sort: { _id: 1 }, limit: PAGE }) : []
    if (!batch.length) batch = await log.find(lastTime ? { time: { $gt: lastTime } } : {}, { sort: { time: 1, _id: 1 }, limit: PAGE })
    if (!batch.length) return
    for (const record of batch) {
      if (record.status === 'applied') yield record
      lastTime = record.time
      lastId = record._id
    }
  }
}

/** Builds the graph from scratch by replaying the log through `apply`. */
export async function graphFromLog(store: DocumentStore, graph = new SocialGraph()): Promise<SocialGraph> {
  for await (const record of appliedEvents(store)) graph.apply({ id: record._id, type: record.type, data: record.data })
  return graph
}
