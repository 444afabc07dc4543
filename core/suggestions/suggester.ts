import type { Ports } from '../ports'
import { type CloudEvent, topicOf } from '../../shared/schemas/events'
import type { ConsumerJob } from '../pipeline/consumer'
import { appliedOf } from '../pipeline/applied'
import { SocialGraph, graphFromLog } from './graph'
import { type Suggestions, suggestionsFor } from './recommend'

/** What the graph is made of, direct messages included (see graph.ts): as the persister applied it. */
export const suggesterTopics = () => (['users', 'groups', 'communities', 'memberships', 'posts', 'reactions', 'shares', 'messages', 'suggestions', 'connections'] as const).map(a => appliedOf(topicOf(a)))

/** Least time between two writes of suggestions (see Suggester.flushed). */
const FLUSH_GAP_MS = Number(process.env.C18N_SUGGESTIONS_FLUSH_MS ?? 500)
const WRITE_CHUNK = 200

/** The serving layer's copy of one user's suggestions, written by the suggester. */
export const suggestionsKey = (userId: string) => `suggestions:${userId}`

/**
 * The suggester consumer: loads the social graph from the immutable event log when it starts,
 * keeps it current from the stream, and after each change writes the suggestions of the users
 * the change can move to the cache, where the domain's SuggestionService reads them.
 *
 * The log, not the topics, is where history comes from: a new consumer group starts at the
 * topics' end (replaying them would also replay events the persister never wrote to this store,
 * on a broker other stores share, and wait on each). An event published while the group first
 * joins could fall between the load and that start, so the first delivery rebuilds the graph
 * from the log once more before it is applied.
 */
export class Suggester {
  private graph = new SocialGraph()
  private loading: Promise<void> | null = null
  private resyncing: Promise<void> | null = null
  private readonly dirty = new Set<string>()
  private nextFlush: Promise<void> | null = null
  private lastFlush: Promise<void> = Promise.resolve()
  private lastFlushAt = 0

  constructor(
    private readonly ports: Pick<Ports, 'store' | 'cache'>,
    private readonly log: (line: string) => void = () => {},
    private readonly flushGapMs = FLUSH_GAP_MS,
  ) {}

  get social(): SocialGraph { return this.graph }

  /** Loads the graph once; events that arrive meanwhile wait for it. */
  start(): Promise<void> {
    this.loading ??= this.load('loaded').catch((error: Error) => {
      this.loading = null
      throw error
    })
    return this.loading
  }

  private async load(what: string) {
    const started = Date.now()
    const graph = await graphFromLog(this.ports.store)
    // Swapped whole: deliveries wait for this, so none is applied to a graph about to be dropped.
    this.graph = graph
    const users = graph.graph.filterNodes((_, a) => a.kind === 'user').map(node => node.slice('user:'.length))
    await this.write(users)
    this.log(`suggester: ${what} a graph of ${graph.graph.order} nodes and ${graph.graph.size} edges from ${graph.appliedCount} events; suggestions for ${users.length} users in ${Date.now() - started} ms`)
  }

  /** One event the persister applied. */
  async handle(event: CloudEvent) {
    await this.handleBatch([event])
  }

  /**
   * A batch of applied events: each changes the graph, and the people they can move get their
   * suggestions written afresh, once each, by the next flush; the batch is done when that has.
   */
  async handleBatch(events: CloudEvent[]) {
    await this.start()
    this.resyncing ??= this.load('rebuilt').catch((error: Error) => {
      this.resyncing = null
      throw error
    })
    await this.resyncing
    const changed = events.flatMap(event => this.graph.apply(event))
    if (!changed.length) return
    for (const userId of this.graph.usersNear(changed)) this.dirty.add(userId)
    await this.flushed()
  }

  /**
   * Suggestions are a view that may lag a moment: whoever a flight of batches dirtied is written
   * once per flush, and flushes are at least `flushGapMs` apart, so a busy stream costs a flush
   * per gap however many events it carries. Resolves once a flush begun after the call is done.
   */
  private flushed(): Promise<void> {
    this.nextFlush ??= (async () => {
      await this.lastFlush.catch(() => {})
      const wait = this.lastFlushAt + this.flushGapMs - Date.now()
      if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
      this.nextFlush = null
      const users = [...this.dirty]
      this.dirty.clear()
      this.lastFlushAt = Date.now()
      this.lastFlush = this.write(users).catch((error: Error) => {
        for (const userId of users) this.dirty.add(userId)
        throw error
      })
      await this.lastFlush
    })()
    return this.nextFlush
  }

  private async write(userIds: string[]) {
    const now = new Date()
    // One pipelined request per few hundred people, not a round trip each.
    for (let i = 0; i < userIds.length; i += WRITE_CHUNK) {
      await this.ports.cache.batch(userIds.slice(i, i + WRITE_CHUNK).map(userId => ['set', suggestionsKey(userId), JSON.stringify(suggestionsFor(this.graph, userId, now))]))
    }
  }
}

export function readSuggestions(raw: string | null): Suggestions | null {
  return raw ? JSON.parse(raw) as Suggestions : null
}

/** The consumer job for a suggester: starts loading the graph at once, not at the first event. */
export function suggesterJob(suggester: Suggester, group: string, topics: string[]): ConsumerJob {
  void suggester.start().catch(error => console.error(`[${group}] could not load the graph: ${(error as Error).message}`))
  return { group, topics, fromBeginning: false, handleBatch: async (deliveries) => {
    await suggester.handleBatch(deliveries.filter(d => d.outcome?.status === 'applied').map(d => d.event))
  } }
}
