import type { DismissSuggestion, SuggestionsView } from '../../shared/schemas/suggestion'
import type { Ports } from '../ports'
import { type Actor, requireActor } from './actor'
import type { CommunityDoc, CommunityService } from './communities'
import { DomainError, notFound } from './errors'
import type { UserService } from './users'
import type { EventPublisher } from '../pipeline/publisher'
import { newEvent } from '../pipeline/events'
import { dismissalsCollection } from './suggestions-model'
import { readSuggestions, suggestionsKey } from '../suggestions/suggester'

interface DismissalDoc { _id: string, userId: string, kind: 'community' | 'person', targetId: string, at: string }

/**
 * Suggestions as the serving layer holds them (the suggester consumer computes them from the
 * social graph), checked against the current state on the way out: a community that has turned
 * private, one the user has joined meanwhile, or anything they dismissed is never shown.
 */
export class SuggestionService {
  constructor(
    private readonly ports: Pick<Ports, 'store' | 'cache'>,
    private readonly users: UserService,
    private readonly communities: CommunityService,
    private readonly publisher: EventPublisher,
  ) {}

  private get dismissals() { return this.ports.store.collection<DismissalDoc>(dismissalsCollection) }

  async setup() {
    await this.dismissals.createIndex({ userId: 1 })
  }

  async forUser(actor: Actor | null, query: { limit: number }): Promise<SuggestionsView> {
    const me = requireActor(actor)
    const cached = readSuggestions(await this.ports.cache.get(suggestionsKey(me.id)))
    if (!cached) return { state: 'pending', computedAt: null, communities: [], people: [] }
    const dismissed = new Set((await this.dismissals.find({ userId: me.id })).map(d => `${d.kind}:${d.targetId}`))

    const communityIds = cached.communities.map(c => c.communityId).filter(id => !dismissed.has(`community:${id}`))
    const docs = new Map((await this.ports.store.collection<CommunityDoc>('communities').find({ _id: { $in: communityIds } })).map(doc => [doc._id, doc]))
    const joined = new Set((await this.ports.store.collection<{ _id: string, communityId: string }>('memberships').find({ _id: { $in: communityIds.map(id => `${id}:${me.id}`) } })).map(m => m.communityId))
    const communities = cached.communities.flatMap(({ communityId, reason, score }) => {
      const doc = docs.get(communityId)
      // Suggested communities are ones the user is not in, so a private one is never shown.
      if (!doc || doc.visibility !== 'public' || joined.has(communityId) || dismissed.has(`community:${communityId}`)) return []
      return [{ community: { id: doc._id, slug: doc.slug, name: doc.name, description: doc.description, topics: doc.topics, memberCount: doc.memberCount }, reason, score }]
    }).slice(0, query.limit)

    const people = await this.users.byIds(cached.people.map(p => p.userId))
    return {
      state: 'ready',
      computedAt: cached.computedAt,
      communities,
      people: cached.people.flatMap(({ userId, reason, score }) => {
        const user = people.get(userId)
        if (!user || userId === me.id || dismissed.has(`person:${userId}`)) return []
        return [{ user: { id: user.id, handle: user.handle, displayName: user.displayName, avatarUrl: user.avatarUrl }, reason, score }]
      }).slice(0, query.limit),
    }
  }

  /** Dismissing is a write like any other: an event, recorded by the persister, seen by the suggester. */
  async dismiss(actor: Actor | null, input: DismissSuggestion): Promise<void> {
    const me = requireActor(actor)
    if (input.kind === 'community') await this.communities.visibleById(me, input.id)
    else if (input.id === me.id) throw new DomainError('invalid', 'You are never suggested to yourself')
    else if (!(await this.users.byId(input.id))) throw notFound('User')
    await this.publisher.commit(newEvent('suggestions', 'suggestion.dismissed', me.id, me.id, { userId: me.id, kind: input.kind, targetId: input.id }, me.id))
  }
}
