import { describe, expect, it } from 'vitest'
import { freshDomain } from './helpers'
import { SocialGraph, followFact, graphFromLog, userNode } from '../../core/suggestions/graph'
import { suggestPeople } from '../../core/suggestions/recommend'
import { connectionVersions } from '../../core/domain/connections-model'

describe('connections', () => {
  it('limits follows per person in a window of the injected clock, and lets them again when it has passed', async () => {
    let now = Date.parse('2026-03-01T10:00:00Z')
    const { domain, make } = await freshDomain({ now: () => now })
    const ann = await make('ann-limit')
    await make('bob-limit')
    const outcomes: string[] = []
    for (let i = 0; i < 31; i++) {
      const work = i % 2 === 0 ? domain.connections.follow(ann.actor, 'bob-limit') : domain.connections.unfollow(ann.actor, 'bob-limit')
      outcomes.push(await work.then(() => 'ok', (error: { kind?: string }) => error.kind ?? 'error'))
    }
    expect(outcomes.slice(0, 30).every(o => o === 'ok')).toBe(true)
    expect(outcomes[30]).toBe('rate_limited')
    // Two windows later the count has gone: the same follow goes through.
    now += 120_000
    expect((await domain.connections.follow(ann.actor, 'bob-limit')).iFollow).toBe(true)
  })

  it('keeps every change as an immutable version, and follows as facts on the graph\'s person-to-person edge', async () => {
    const { domain, make } = await freshDomain()
    const ann = await make('ann-graph')
    const bob = await make('bob-graph')
    await domain.connections.follow(ann.actor, 'bob-graph')
    await domain.connections.follow(bob.actor, 'ann-graph')
    let social = await graphFromLog(domain.ports.store)
    expect(social.graph.getEdgeAttribute(userNode(ann.id), userNode(bob.id), 'facts')?.sort()).toEqual([followFact(ann.id, bob.id), followFact(bob.id, ann.id)].sort())

    // A block ends both follows: three versions (the block, and each follow ending because of it).
    await domain.connections.set(bob.actor, 'ann-graph', 'block', true)
    social = await graphFromLog(domain.ports.store)
    expect(social.graph.hasEdge(userNode(ann.id), userNode(bob.id))).toBe(false)
    const versions = await connectionVersions(domain.ports.store).find({}, { sort: { at: 1, _id: 1 } })
    expect(versions.map(v => `${v.kind}:${v.userId === ann.id ? 'ann' : 'bob'}:${v.on ? 'on' : 'off'}${v.cause ? `:${v.cause}` : ''}`).sort()).toEqual([
      'block:bob:on', 'follow:ann:off:blocked', 'follow:ann:on', 'follow:bob:off:blocked', 'follow:bob:on',
    ])
    expect(await domain.connections.hiddenAuthors(ann.id)).toEqual(new Set([bob.id]))
  })
})

describe('people to follow', () => {
  const event = (id: string, type: string, data: Record<string, unknown>) => ({ id, type: `c18n.${type}`, data })
  const person = (id: string) => event(`reg-${id}`, 'user.registered', { id, handle: id, displayName: id.toUpperCase(), interests: [] })

  it('suggests the people followed by those I follow, with that reason, and never someone blocked either way', () => {
    const social = new SocialGraph()
    for (const id of ['ann', 'bob', 'cy', 'dee']) social.apply(person(id))
    social.apply(event('f1', 'connection.followed', { userId: 'ann', targetId: 'bob' }))
    social.apply(event('f2', 'connection.followed', { userId: 'bob', targetId: 'cy' }))
    social.apply(event('f3', 'connection.followed', { userId: 'bob', targetId: 'dee' }))
    const first = suggestPeople(social, 'ann')
    expect(first.map(s => s.userId).sort()).toEqual(['cy', 'dee'])
    expect(first.find(s => s.userId === 'cy')!.reason).toMatch(/^Followed by 1 person you follow/)
    // Bob, followed already, is not suggested; neither is Dee once either of them blocks the other.
    social.apply(event('b1', 'connection.blocked', { userId: 'dee', targetId: 'ann' }))
    expect(suggestPeople(social, 'ann').map(s => s.userId)).toEqual(['cy'])
    social.apply(event('b2', 'connection.unblocked', { userId: 'dee', targetId: 'ann' }))
    expect(suggestPeople(social, 'ann').map(s => s.userId).sort()).toEqual(['cy', 'dee'])
  })
})
