import { describe, expect, it } from 'vitest'
import { freshDomain } from './helpers'

describe('groups', () => {
  it('lets the owner rename, add and remove members, and members leave', async () => {
    const { domain, make } = await freshDomain()
    const [ada, bob, cy] = [await make('ada'), await make('bob'), await make('cy')]
    const group = await domain.groups.create(ada.actor, { name: 'Reading circle', memberHandles: ['bob'] })
    expect(group.members.map(m => m.handle).sort()).toEqual(['ada', 'bob'])
    await expect(domain.groups.rename(bob.actor, group.id, 'Mine now')).rejects.toMatchObject({ kind: 'forbidden' })
    expect((await domain.groups.rename(ada.actor, group.id, 'Book club')).name).toBe('Book club')
    expect((await domain.groups.addMember(ada.actor, group.id, 'cy')).memberIds).toContain(cy.id)
    await expect(domain.groups.addMember(ada.actor, group.id, 'cy')).rejects.toMatchObject({ kind: 'conflict' })
    await expect(domain.groups.removeMember(bob.actor, group.id, cy.id)).rejects.toMatchObject({ kind: 'forbidden' })
    expect((await domain.groups.removeMember(bob.actor, group.id, bob.id)).memberIds).not.toContain(bob.id)
    await expect(domain.groups.get(bob.actor, group.id)).rejects.toMatchObject({ kind: 'not_found' })
    await expect(domain.groups.removeMember(ada.actor, group.id, ada.id)).rejects.toMatchObject({ kind: 'conflict' })
  })

  it('refuses unknown handles and shows a group only to its members', async () => {
    const { domain, make } = await freshDomain()
    const [ada, eve] = [await make('ada'), await make('eve')]
    await expect(domain.groups.create(ada.actor, { name: 'Ghosts', memberHandles: ['nobody-here'] })).rejects.toMatchObject({ kind: 'invalid' })
    const group = await domain.groups.create(ada.actor, { name: 'Private', memberHandles: [] })
    await expect(domain.groups.get(eve.actor, group.id)).rejects.toMatchObject({ kind: 'not_found' })
    expect((await domain.groups.listMine(eve.actor, { limit: 10 })).items).toHaveLength(0)
    expect((await domain.groups.listMine(ada.actor, { limit: 10 })).items.map(g => g.name)).toEqual(['Private'])
  })
})

describe('users', () => {
  it('lets people edit only their own profile and finds them by name', async () => {
    const { domain, make } = await freshDomain()
    const [ada, bob] = [await make('ada'), await make('bob')]
    expect(await domain.users.update(ada.actor, 'ada', { bio: 'Poetical science', interests: ['poetry'] })).toMatchObject({ bio: 'Poetical science', interests: ['poetry'] })
    await expect(domain.users.update(bob.actor, 'ada', { bio: 'hacked' })).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.users.create({ handle: 'ada', displayName: 'Other Ada' })).rejects.toMatchObject({ kind: 'conflict' })
    await expect.poll(async () => (await domain.users.list({ limit: 10, q: 'ADA' })).items.map(u => u.handle)).toEqual(['ada'])
    expect((await domain.users.list({ limit: 10 })).items.map(u => u.handle)).toEqual(['ada', 'bob'])
  })

  it('verifies local passwords', async () => {
    const { domain } = await freshDomain()
    await domain.users.create({ handle: 'cy', displayName: 'Cy', password: 'correct horse' })
    expect(await domain.users.verifyCredentials('cy', 'correct horse')).toMatchObject({ handle: 'cy' })
    expect(await domain.users.verifyCredentials('cy', 'wrong')).toBeNull()
    expect(await domain.users.verifyCredentials('nobody', 'correct horse')).toBeNull()
  })
})
