import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ports } from '../../core/ports'
import type { Domain } from '../../core/domain'
import { eventLog } from '../../core/pipeline/event-log'
import { startConsumers } from '../../workers/consumers'
import { closeStack, openStack, stackSpace } from './stack'

// Moderator actions travel on Kafka like every write, the persister records them in the event
// log on FerretDB, and the owner reads them back as the community's audit log. Okta identities
// link to profiles the same way. The run keeps to its own topics, database and indices.
const space = stackSpace('a', 'audit')
const { ns } = space

let ports: Ports
let domain: Domain
let stop: () => Promise<void> = async () => {}

beforeAll(async () => {
  ({ ports, domain } = await openStack(space))
  stop = (await startConsumers(domain)).stop
}, 180_000)

afterAll(async () => {
  await stop()
  await closeStack(ports)
})

describe('audit log and identity links on the real stack', () => {
  it('records role changes, removals and deletions from Kafka and shows them to the owner only', async () => {
    const make = async (handle: string) => ({ id: (await domain.users.create({ handle, displayName: handle })).id, role: 'user' as const })
    const [ann, ben, cat] = [await make('ann'), await make('ben'), await make('cat')]
    await domain.communities.create(ann, { name: 'Audit harbour', slug: 'audit-harbour', description: '', topics: [], visibility: 'private', postsNeedApproval: false })
    await domain.communities.addMember(ann, 'audit-harbour', 'ben')
    await domain.communities.addMember(ann, 'audit-harbour', 'cat')
    await domain.communities.changeRole(ann, 'audit-harbour', ben.id, 'moderator')
    const post = await domain.posts.create(cat, 'audit-harbour', { title: 'Off topic', body: 'spam', tags: [] })
    await domain.posts.remove(ben, post.id)
    await domain.communities.removeMember(ben, 'audit-harbour', cat.id)

    const log = await domain.audit.forCommunity(ann, 'audit-harbour', { limit: 3 })
    expect(log.items.map(e => e.summary)).toEqual(['removed @cat', `deleted post ${post.id}`, 'made @ben a moderator'])
    const rest = await domain.audit.forCommunity(ann, 'audit-harbour', { limit: 3, cursor: log.nextCursor! })
    expect(rest.items.map(e => e.summary)).toEqual(['added @cat', 'added @ben'])
    expect(rest.nextCursor).toBeNull()
    const recorded = await eventLog(ports.store).findOne({ _id: log.items[0]!.id })
    expect(recorded?.topic).toBe(`${ns}.memberships`)
    await expect(domain.audit.forCommunity(ben, 'audit-harbour', { limit: 10 })).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.audit.forCommunity(cat, 'audit-harbour', { limit: 10 })).rejects.toMatchObject({ kind: 'not_found' })
  })

  it('links an Okta subject to the profile its first sign-in made', async () => {
    const identity = { provider: 'okta', subject: 'okta-real-1', email: 'dora@okta.test', name: 'Dora', preferredUsername: 'dora@okta.test' }
    const first = await domain.users.signInWithIdentity(identity)
    expect(first.handle).toBe('dora')
    expect((await domain.users.signInWithIdentity(identity)).id).toBe(first.id)
  })
})
