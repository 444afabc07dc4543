import { describe, expect, it } from 'vitest'
import { seedDemoData } from '../../core/demo/seed'
import type { DomainError } from '../../core/domain'
import { runConsumer } from '../../core/pipeline/consumer'
import { evaluateCommunitySuggestions } from '../../core/suggestions/evaluate'
import { SocialGraph, communityNode, graphFromLog, userNode } from '../../core/suggestions/graph'
import { suggestCommunities, suggestPeople } from '../../core/suggestions/recommend'
import { Suggester, suggesterJob, suggesterTopics, suggestionsKey } from '../../core/suggestions/suggester'
import { eventually } from '../contract/suites/wait'
import { caughtUp, socialActivity } from '../support/social-activity'
import { freshDomain } from './helpers'

const event = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, data })

describe('social graph', () => {
  it('ignores event types it does not use, and applies each event once', () => {
    const social = new SocialGraph()
    expect(social.apply(event('e0', 'c18n.something.new', { whatever: true }))).toEqual([])
    social.apply(event('e1', 'c18n.community.created', { id: 'c1', slug: 'c-one', name: 'One', topics: ['chess'], visibility: 'public', ownerId: 'u1' }))
    social.apply(event('e2', 'c18n.membership.joined', { communityId: 'c1', userId: 'u2' }))
    social.apply(event('e3', 'c18n.membership.left', { communityId: 'c1', userId: 'u2' }))
    // A late redelivery of the join must not bring the member back.
    expect(social.apply(event('e2', 'c18n.membership.joined', { communityId: 'c1', userId: 'u2' }))).toEqual([])
    expect(social.graph.hasEdge(userNode('u2'), communityNode('c1'))).toBe(false)
    expect(social.graph.hasEdge(userNode('u1'), communityNode('c1'))).toBe(true)
  })

  it('counts a direct message as an interaction, not a message in a room of many', () => {
    const social = new SocialGraph()
    social.apply(event('m1', 'c18n.message.sent', { id: 'm1', roomId: 'r', roomKind: 'direct', authorId: 'u1', participants: ['u1', 'u2'] }))
    social.apply(event('m2', 'c18n.message.sent', { id: 'm2', roomId: 'r2', roomKind: 'community', authorId: 'u1', participants: ['u1', 'u3'] }))
    social.apply(event('m3', 'c18n.message.sent', { id: 'm3', roomKind: 'direct', authorId: 'u1' }))
    expect(social.graph.getEdgeAttribute(userNode('u1'), userNode('u2'), 'facts')).toEqual(['message:m1'])
    expect(social.graph.hasNode(userNode('u3'))).toBe(false)
  })

  it('comes out the same whichever topic arrives first (Kafka orders each topic, not the topics with each other)', () => {
    const topics = {
      posts: [event('p', 'c18n.post.created', { id: 'p', authorId: 'ben' }), event('r', 'c18n.post.created', { id: 'r', authorId: 'ann', parentId: 'p' })],
      reactions: [
        event('ra', 'c18n.reaction.added', { postId: 'r', userId: 'dan', kind: 'love' }),
        event('rr', 'c18n.reaction.removed', { postId: 'r', userId: 'dan', kind: 'love' }),
        event('rl', 'c18n.reaction.added', { postId: 'p', userId: 'dan', kind: 'like' }),
      ],
      shares: [event('s', 'c18n.share.created', { id: 's', postId: 'p', userId: 'cat' })],
    }
    const graphOf = (order: Array<keyof typeof topics>) => {
      const social = new SocialGraph()
      for (const topic of order) for (const e of topics[topic]) social.apply(e)
      return social.snapshot()
    }
    const inLogOrder = graphOf(['posts', 'reactions', 'shares'])
    expect(inLogOrder.edges.flatMap(e => e.facts ?? [])).toEqual(expect.arrayContaining(['reply:r', 'reaction:p:dan:like', 'share:s']))
    expect(inLogOrder.edges.flatMap(e => e.facts ?? [])).not.toContain('reaction:r:dan:love')
    expect(graphOf(['reactions', 'shares', 'posts'])).toEqual(inLogOrder)
    expect(graphOf(['shares', 'posts', 'reactions'])).toEqual(inLogOrder)
  })

  it('kept current from the stream equals the graph rebuilt from the event log', { timeout: 90_000 }, async () => {
    const { domain } = await freshDomain()
    const { store } = domain.ports
    // One suggester from the very start (the stream), one started halfway (the log, then the stream).
    const early = new Suggester(domain.ports)
    const stops = [await runConsumer(domain.ports.bus, suggesterJob(early, 'test.suggester-early', suggesterTopics()))]
    await seedDemoData(domain)
    const late = new Suggester(domain.ports)
    stops.push(await runConsumer(domain.ports.bus, suggesterJob(late, 'test.suggester-late', suggesterTopics())))
    await socialActivity(domain, 'graph')
    await eventually(async () => expect(await caughtUp(early, store) && await caughtUp(late, store)).toBe(true), 30_000, 100)
    const rebuilt = (await graphFromLog(store)).snapshot()
    expect(early.social.snapshot()).toEqual(rebuilt)
    expect(late.social.snapshot()).toEqual(rebuilt)
    // The comparison covers every kind of edge and the dismissals.
    expect(new Set(rebuilt.edges.map(e => e.kind))).toEqual(new Set(['member', 'interest', 'topic', 'interaction']))
    expect(rebuilt.edges.some(e => e.facts?.some(f => f.startsWith('reply:')))).toBe(true)
    expect(rebuilt.edges.some(e => e.facts?.some(f => f.startsWith('share:')))).toBe(true)
    expect(rebuilt.edges.some(e => e.facts?.some(f => f.startsWith('reaction:') && f.endsWith(':love')))).toBe(false)
    expect(rebuilt.dismissals).toHaveLength(1)
    await Promise.all(stops.map(s => s.stop()))
  })
})

describe('scoring', () => {
  /** A small graph made of events, as the suggester makes it. */
  function graphOf(steps: Array<[string, Record<string, unknown>]>) {
    const social = new SocialGraph()
    steps.forEach(([type, data], i) => social.apply(event(`e${i}`, `c18n.${type}`, data)))
    return social
  }
  const user = (id: string, interests: string[] = []) => ['user.registered', { id, handle: id, displayName: id.toUpperCase(), bio: '', interests, avatarUrl: null, role: 'user' }] as [string, Record<string, unknown>]
  const community = (id: string, ownerId: string, topics: string[] = [], visibility = 'public') => ['community.created', { id, slug: `c-${id}`, name: id, description: '', topics, visibility, postsNeedApproval: false, ownerId }] as [string, Record<string, unknown>]

  it('suggests the people your contacts talk to, and ranks a rare shared interest above a common one', () => {
    const social = graphOf([
      user('ann', ['knots', 'music']), user('ben'), user('cat', ['knots']), user('dan', ['music']), user('eve', ['music']), user('fay', ['music']),
      ['post.created', { id: 'p1', communityId: 'c', authorId: 'ben', parentId: null, rootId: 'p1', title: 't', body: 'b', tags: [] }],
      ['post.created', { id: 'p2', communityId: 'c', authorId: 'ann', parentId: 'p1', rootId: 'p1', title: '', body: 'b', tags: [] }],
      ['reaction.added', { postId: 'p1', communityId: 'c', userId: 'dan', kind: 'like', authorId: 'ben' }],
    ])
    const people = suggestPeople(social, 'ann')
    expect(people.map(p => [p.userId, p.reason])).toEqual([
      ['dan', 'Knows 1 person you know · Also into music'],
      ['cat', 'Also into knots'], // knots: two people; music: four
      ['eve', 'Also into music'],
      ['fay', 'Also into music'],
    ])
    // Ben is someone Ann talks to already: not a suggestion.
    expect(people.map(p => p.userId)).not.toContain('ben')
  })

  it('says when people from your groups are members, and leaves out communities you are in or that are private', () => {
    const social = graphOf([
      user('ann'), user('ben'), user('cat'),
      ['group.created', { id: 'g1', name: 'Crew', ownerId: 'ann', memberIds: ['ann', 'ben', 'cat'] }],
      community('open', 'ben'), community('shut', 'ben', [], 'private'), community('mine', 'ann'),
      ['membership.joined', { communityId: 'open', userId: 'cat' }],
      ['membership.joined', { communityId: 'mine', userId: 'ben' }],
    ])
    expect(suggestCommunities(social, 'ann').map(c => [c.communityId, c.reason])).toEqual([['open', '2 people from your groups are members']])
    social.apply(event('d1', 'c18n.suggestion.dismissed', { userId: 'ann', kind: 'community', targetId: 'open' }))
    expect(suggestCommunities(social, 'ann')).toEqual([])
  })
})

describe('suggestions', () => {
  it('come with their reason, never name a private community, and can be dismissed', { timeout: 60_000 }, async () => {
    const { domain } = await freshDomain()
    const user = async (handle: string, interests: string[]) => ({ id: (await domain.users.create({ handle, displayName: handle, interests })).id, role: 'user' as const })
    const [ann, ben, cat, dan, eve] = [await user('ann', ['chess']), await user('ben', []), await user('cat', []), await user('dan', []), await user('eve', ['chess'])]
    await domain.communities.create(dan, { name: 'Commons', slug: 'commons', description: '', topics: [], visibility: 'public', postsNeedApproval: false })
    for (const who of [ann, ben, cat, eve]) await domain.communities.join(who, 'commons')
    const talkers = await domain.communities.create(ben, { name: 'Talkers', slug: 'talkers', description: '', topics: ['sailing'], visibility: 'public', postsNeedApproval: false })
    await domain.communities.join(cat, 'talkers')
    const secret = await domain.communities.create(ben, { name: 'Secret chess', slug: 'secret-chess', description: '', topics: ['chess'], visibility: 'private', postsNeedApproval: false })
    await domain.communities.addMember(ben, 'secret-chess', 'cat')
    const corner = await domain.communities.create(dan, { name: 'Chess corner', slug: 'chess-corner', description: '', topics: ['chess'], visibility: 'public', postsNeedApproval: false })
    // ann talks to ben (a reply) and to cat (a reaction).
    const benPost = await domain.posts.create(ben, 'commons', { title: 'Hello', body: 'Hi all', tags: [] })
    const catPost = await domain.posts.create(cat, 'commons', { title: 'Also hello', body: 'Hi', tags: [] })
    await domain.posts.reply(ann, benPost.id, { body: 'Hi Ben' })
    await domain.posts.react(ann, catPost.id, 'like')

    await eventually(async () => {
      const view = await domain.suggestions.forUser(ann, { limit: 5 })
      expect(view.state).toBe('ready')
      expect(view.communities.map(c => [c.community.slug, c.reason])).toEqual([
        ['talkers', '2 people you talk to are members'],
        ['chess-corner', 'Matches your interest: chess'],
      ])
    }, 15_000, 50)
    // In the graph, the private community would score highest for ann: the filter is what keeps it out.
    const social = await graphFromLog(domain.ports.store)
    expect(suggestCommunities(social, ann.id).map(s => s.communityId)).not.toContain(secret.id)
    expect(suggestPeople(social, ann.id).map(s => s.userId)).toEqual([eve.id, dan.id])
    expect(suggestPeople(social, ann.id)[0]!.reason).toBe('1 community in common · Also into chess')

    await domain.suggestions.dismiss(ann, { kind: 'community', id: talkers.id })
    expect((await domain.suggestions.forUser(ann, { limit: 5 })).communities.map(c => c.community.id)).toEqual([corner.id])
    await domain.communities.update(dan, 'chess-corner', { visibility: 'private' })
    expect((await domain.suggestions.forUser(ann, { limit: 5 })).communities).toEqual([])
    await eventually(async () => {
      const cached = JSON.parse((await domain.ports.cache.get(suggestionsKey(ann.id)))!) as { communities: unknown[] }
      expect(cached.communities).toEqual([])
    }, 15_000, 50)

    const refusal = (work: Promise<unknown>) => work.then(() => null, (error: DomainError) => error.kind)
    expect(await refusal(domain.suggestions.dismiss(ann, { kind: 'community', id: secret.id }))).toBe('not_found')
    expect(await refusal(domain.suggestions.dismiss(ann, { kind: 'person', id: ann.id }))).toBe('invalid')
    expect(await refusal(domain.suggestions.dismiss(ann, { kind: 'person', id: 'nobody' }))).toBe('not_found')
    expect(await refusal(domain.suggestions.forUser(null, { limit: 5 }))).toBe('unauthenticated')

    await domain.ports.cache.del(suggestionsKey(ann.id))
    expect(await domain.suggestions.forUser(ann, { limit: 5 })).toEqual({ state: 'pending', computedAt: null, communities: [], people: [] })
  })

  it('beat the random and most-popular baselines on the demo data', { timeout: 60_000 }, async () => {
    const { domain } = await freshDomain()
    await seedDemoData(domain)
    const result = evaluateCommunitySuggestions(await graphFromLog(domain.ports.store))
    expect(result.heldOut).toBeGreaterThan(15)
    for (const baseline of [result.random, result.popular]) {
      expect(result.graph.precisionAt5).toBeGreaterThan(baseline.precisionAt5)
      expect(result.graph.recallAt10).toBeGreaterThan(baseline.recallAt10)
    }
  })
})
