import { describe, expect, it } from 'vitest'
import { freshDomain } from './helpers'

const base = { name: 'Chess club', slug: 'chess-club', description: 'Openings and endgames', topics: ['chess'], visibility: 'public' as const, postsNeedApproval: false }

describe('communities', () => {
  it('makes the creator the owner and refuses a taken address', async () => {
    const { domain, make } = await freshDomain()
    const ada = await make('ada')
    const created = await domain.communities.create(ada.actor, base)
    expect(created).toMatchObject({ slug: 'chess-club', myRole: 'owner', memberCount: 1 })
    await expect(domain.communities.create(ada.actor, base)).rejects.toMatchObject({ kind: 'conflict' })
    await expect(domain.communities.create(null, { ...base, slug: 'other' })).rejects.toMatchObject({ kind: 'unauthenticated' })
  })

  it('lets people join and leave a public community, counting members', async () => {
    const { domain, make } = await freshDomain()
    const [ada, bob] = [await make('ada'), await make('bob')]
    await domain.communities.create(ada.actor, base)
    expect(await domain.communities.join(bob.actor, 'chess-club')).toMatchObject({ myRole: 'member', memberCount: 2 })
    await expect(domain.communities.join(bob.actor, 'chess-club')).rejects.toMatchObject({ kind: 'conflict' })
    await domain.communities.leave(bob.actor, 'chess-club')
    expect((await domain.communities.get(bob.actor, 'chess-club')).memberCount).toBe(1)
    await expect(domain.communities.leave(ada.actor, 'chess-club')).rejects.toMatchObject({ kind: 'conflict' })
  })

  it('hides a private community from non-members and lets only moderators add people', async () => {
    const { domain, make } = await freshDomain()
    const [ada, bob, eve] = [await make('ada'), await make('bob'), await make('eve')]
    await domain.communities.create(ada.actor, { ...base, visibility: 'private' })
    await expect(domain.communities.get(eve.actor, 'chess-club')).rejects.toMatchObject({ kind: 'not_found' })
    await expect(domain.communities.members(null, 'chess-club', { limit: 10 })).rejects.toMatchObject({ kind: 'not_found' })
    await expect(domain.communities.join(eve.actor, 'chess-club')).rejects.toMatchObject({ kind: 'not_found' })
    expect((await domain.communities.list(eve.actor, { limit: 50 })).items).toHaveLength(0)
    await domain.communities.addMember(ada.actor, 'chess-club', 'bob')
    await expect(domain.communities.addMember(bob.actor, 'chess-club', 'eve')).rejects.toMatchObject({ kind: 'forbidden' })
    expect((await domain.communities.get(bob.actor, 'chess-club')).myRole).toBe('member')
  })

  it('lets only the owner change roles; moderators may edit but not change visibility', async () => {
    const { domain, make } = await freshDomain()
    const [ada, bob, cy] = [await make('ada'), await make('bob'), await make('cy')]
    await domain.communities.create(ada.actor, base)
    await domain.communities.join(bob.actor, 'chess-club')
    await domain.communities.join(cy.actor, 'chess-club')
    await expect(domain.communities.changeRole(bob.actor, 'chess-club', cy.id, 'moderator')).rejects.toMatchObject({ kind: 'forbidden' })
    expect(await domain.communities.changeRole(ada.actor, 'chess-club', bob.id, 'moderator')).toMatchObject({ role: 'moderator', handle: 'bob' })
    await expect(domain.communities.changeRole(ada.actor, 'chess-club', ada.id, 'member')).rejects.toMatchObject({ kind: 'conflict' })
    expect(await domain.communities.update(bob.actor, 'chess-club', { description: 'New' })).toMatchObject({ description: 'New' })
    await expect(domain.communities.update(bob.actor, 'chess-club', { visibility: 'private' })).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.communities.update(cy.actor, 'chess-club', { description: 'x' })).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.communities.removeMember(bob.actor, 'chess-club', ada.id)).rejects.toMatchObject({ kind: 'forbidden' })
    await domain.communities.removeMember(bob.actor, 'chess-club', cy.id)
    expect((await domain.communities.get(ada.actor, 'chess-club')).memberCount).toBe(2)
  })

  it('pages members with a cursor, without gaps or repeats, and finds communities by name', async () => {
    const { domain, make } = await freshDomain()
    const ada = await make('ada')
    await domain.communities.create(ada.actor, base)
    for (let i = 0; i < 7; i++) await domain.communities.join((await make(`user-${i}`)).actor, 'chess-club')
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await domain.communities.members(null, 'chess-club', { limit: 3, cursor })
      seen.push(...page.items.map(m => m.handle))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(seen).toHaveLength(8)
    expect(new Set(seen).size).toBe(8)
    // The search index is a view the indexer keeps: eventually consistent.
    await expect.poll(async () => (await domain.communities.list(null, { limit: 10, q: 'chess' })).items.map(c => c.slug)).toEqual(['chess-club'])
    await expect(domain.communities.members(null, 'chess-club', { limit: 3, cursor: 'garbage!' })).rejects.toMatchObject({ kind: 'invalid' })
  })
})
