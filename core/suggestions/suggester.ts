import type { Ports } from '../ports'
import { type CloudEvent, topicOf } from '../../shared/schemas/events'
import type { ConsumerJob } from '../pipeline/consumer'
import { persisted } from '../pipeline/wait'
import { SocialGraph, graphFromLog } from './graph'
import { type Suggestions, suggestionsFor } from './recommend'

/** What the graph is made of. MESSAGES: add topicOf('messages') once chat is merged (see graph.ts). */
export const suggesterTopics = () => (['users', 'groups', 'communities', 'memberships', 'posts', 'reactions', 'shares', 'suggestions'] as const).map(topicOf)

/** The serving layer's copy of one user's suggestions, written by the suggester. */
export const suggestionsKey = (userId: string) => `suggestions:${userId}`

/**
 * The suggester consumer: loads the social graph from the immutable event log when it starts,
 * keeps it current from the stream, and after each change writes the suggestions of the users
 * the change can move to the cache, where the domain's SuggestionService reads them.
 */
export class Suggester {
  readonly social = new SocialGraph()
  private loading: Promise<void> | null = null

  constructor(private readonly ports: Pick<Ports, 'store' | 'cache'>, private readonly log: (line: string) => void = () => {}) {}

  /** Loads the graph once; events that arrive meanwhile wait for it. */
  start(): Promise<void> {
    this.loading ??= this.load().catch((error: Error) => {
      // Safe to try again: the events loaded so far are skipped as already applied.
      this.loading = null
      throw error
    })
    return this.loading
  }

  private async load() {
    const started = Date.now()
    await graphFromLog(this.ports.store, this.social)
    const users = this.social.graph.filterNodes((_, a) => a.kind === 'user').map(node => node.slice('user:'.length))
    await this.write(users)
    this.log(`suggester: graph of ${this.social.graph.order} nodes and ${this.social.graph.size} edges from ${this.social.appliedCount} events; suggestions for ${users.length} users in ${Date.now() - started} ms`)
  }

  /** One event from the stream: applied once persisted, ignored when the persister rejected it. */
  async handle(event: CloudEvent) {
    await this.start()
    const record = await persisted(this.ports.store, event.id)
    if (record.status !== 'applied') return
    const changed = this.social.apply(event)
    if (changed.length) await this.write(this.social.usersNear(changed))
  }

  private async write(userIds: string[]) {
    const now = new Date()
    for (const userId of userIds) await this.ports.cache.set(suggestionsKey(userId), JSON.stringify(suggestionsFor(this.social, userId, now)))
  }
}

export function readSuggestions(raw: string | null): Suggestions | null {
  return raw ? JSON.parse(raw) as Suggestions : null
}

/** The consumer job for a suggester: starts loading the graph at once, not at the first event. */
export function suggesterJob(suggester: Suggester, group: string, topics: string[]): ConsumerJob {
  void suggester.start().catch(error => console.error(`[${group}] could not load the graph: ${(error as Error).message}`))
  return { group, topics, handle: event => suggester.handle(event) }
}
