import { describe, expect, it } from 'vitest'
import { freshDomain } from './helpers'

const base = { name: 'Chess club', slug: 'chess-club', description: '', topics: [], visibility: 'public' as const, postsNeedApproval: false }

describe('community audit log', () => {
  it('shows owners the moderator actions, newest first, and nothing members did for themselves', async () => {
    const { domain, make } = await freshDomain()
    const [ada, bob, eve, dan] = [await make('ada'), await make('bob'), await make('eve'), await make('dan')]
    await domain.communities.create(ada.actor, base)
    await domain.communities.join(bob.actor, 'chess-club')
    await domain.communities.addMember(ada.actor, 'chess-club', 'eve')
    await domain.communities.changeRole(ada.actor, 'chess-club', bob.id, 'moderator')
    const post = await domain.posts.create(eve.actor, 'chess-club', { title: 'Gambit', body: 'Sharp line', tags: [] })
    await domain.posts.remove(bob.actor, post.id)
    await domain.communities.removeMember(bob.actor, 'chess-club', eve.id)
    await domain.communities.update(ada.actor, 'chess-club', { description: 'Openings' })
    await domain.communities.join(dan.actor, 'chess-club')
    await domain.communities.leave(dan.actor, 'chess-club')

    const log = await domain.audit.forCommunity(ada.actor, 'chess-club', { limit: 20 })
    expect(log.items.map(e => `${e.actor?.handle} ${e.summary}`)).toEqual([
      'ada changed description',
      'bob removed @eve',
      `bob deleted post ${post.id}`,
      'ada made @bob a moderator',
      'ada added @eve',
    ])
    expect(log.nextCursor).toBeNull()

    // Pages of two, following the cursor, give the same entries.
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await domain.audit.forCommunity(ada.actor, 'chess-club', { limit: 2, cursor })
      seen.push(...page.items.map(e => e.id))
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    expect(seen).toEqual(log.items.map(e => e.id))
  })

  it('is for owners and site admins only, and hides a private community from outsiders', async () => {
    const { domain, make } = await freshDomain()
    const [ada, bob, eve, root] = [await make('ada'), await make('bob'), await make('eve'), await make('root', 'admin')]
    await domain.communities.create(ada.actor, { ...base, visibility: 'private' })
    await domain.communities.addMember(ada.actor, 'chess-club', 'bob')
    await domain.communities.changeRole(ada.actor, 'chess-club', bob.id, 'moderator')
    await expect(domain.audit.forCommunity(bob.actor, 'chess-club', { limit: 10 })).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.audit.forCommunity(eve.actor, 'chess-club', { limit: 10 })).rejects.toMatchObject({ kind: 'not_found' })
    await expect(domain.audit.forCommunity(null, 'chess-club', { limit: 10 })).rejects.toMatchObject({ kind: 'unauthenticated' })
    expect((await domain.audit.forCommunity(root.actor, 'chess-club', { limit: 10 })).items).toHaveLength(2)
  })
})

describe('moderation decisions in the audit log', () => {
  it('shows removals and bans with their reasons', async () => {
    const { domain, make } = await freshDomain()
    const [ada, bob] = [await make('ada'), await make('bob')]
    await domain.communities.create(ada.actor, base)
    await domain.communities.join(bob.actor, 'chess-club')
    const post = await domain.posts.create(bob.actor, 'chess-club', { title: 'Cheap watches', body: 'Buy now', tags: [] })
    await domain.moderation.remove(ada.actor, post.id, 'spam links')
    await domain.moderation.ban(ada.actor, 'chess-club', { userId: bob.id, mode: 'ban', until: null, reason: 'repeated spam' })
    const log = await domain.audit.forCommunity(ada.actor, 'chess-club', { limit: 10 })
    // A ban takes the member out of the community as well.
    expect(log.items.map(e => `${e.actor?.handle} ${e.summary}`)).toEqual([
      'ada removed @bob',
      'ada banned @bob for good: repeated spam',
      `ada removed post ${post.id}: spam links`,
    ])
  })
})
