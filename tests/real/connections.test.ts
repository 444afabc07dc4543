import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ports } from '../../core/ports'
import type { Domain } from '../../core/domain'
import { HomeList } from '../../core/domain/home-list'
import { connectionVersions } from '../../core/domain/connections-model'
import { eventually } from '../contract/suites/wait'
import { WorkerProcess, closeStack, openStack, stackSpace } from './stack'

// Follows and blocks on Kafka, FerretDB and Redis, the persister, the notifier and the home
// feed's fan-out running in the worker process. The run keeps to its own topics and database.
const space = stackSpace('f', 'connections')
const { ns } = space
const worker = new WorkerProcess(space)

let ports: Ports
let domain: Domain
const actors: Record<string, { id: string, role: 'user' }> = {}
const yard = 'follow-yard'

beforeAll(async () => {
  ({ ports, domain } = await openStack(space))
  await worker.start()
  for (const handle of ['ann', 'bob', 'cat']) actors[handle] = { id: (await domain.users.create({ handle, displayName: handle.toUpperCase() })).id, role: 'user' }
  await domain.communities.create(actors.bob!, { name: 'Follow yard', slug: yard, description: '', topics: [], visibility: 'public', postsNeedApproval: false })
}, 180_000)

afterAll(async () => {
  await worker.stop()
  await closeStack(ports)
})

describe('connections on the real stack', () => {
  it('runs the home feed\'s fan-out as its own consumer group in the worker', async () => {
    const health = await (await fetch(worker.healthUrl)).json() as { consumers: string[] }
    expect(health.consumers).toContain(`${ns}.home-live`)
  })

  it('follows through Kafka, notifies the one followed, and fans their new post into the follower\'s list', async () => {
    const relation = await domain.connections.follow(actors.ann!, 'bob')
    expect(relation).toMatchObject({ iFollow: true, followers: 1 })
    await eventually(async () => {
      const notices = await ports.store.collection<{ _id: string, type: string, userId: string, actorId: string }>('notifications').find({ userId: actors.bob!.id, type: 'follow' })
      expect(notices.map(n => n.actorId)).toEqual([actors.ann!.id])
    }, 30_000, 200)
    // The first read seeds ann's list; bob's next post reaches it through the worker's consumer.
    expect((await domain.home.page(actors.ann!, { limit: 10 })).items).toEqual([])
    const post = await domain.posts.create(actors.bob!, yard, { title: 'Hello followers', body: 'From the yard', tags: [] })
    const lists = new HomeList(ports.cache)
    await eventually(async () => expect((await lists.ids(actors.ann!.id, null))?.ids).toEqual([post.id]), 30_000, 200)
    expect((await domain.home.page(actors.ann!, { limit: 10 })).items.map(p => p.id)).toEqual([post.id])
  })

  it('a block ends the follow (as versions), refuses a new one and a conversation, and takes the blocker\'s posts out of the other\'s feed', async () => {
    await domain.connections.set(actors.bob!, 'ann', 'block', true)
    const versions = await connectionVersions(ports.store).find({ userId: actors.ann!.id, targetId: actors.bob!.id })
    expect(versions.map(v => `${v.kind}:${v.on ? 'on' : 'off'}${v.cause ? `:${v.cause}` : ''}`).sort()).toEqual(['follow:off:blocked', 'follow:on'])
    await expect(domain.connections.follow(actors.ann!, 'bob')).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.chat.startDirect(actors.ann!, ['bob'])).rejects.toMatchObject({ kind: 'forbidden' })
    expect((await domain.home.page(actors.ann!, { limit: 10 })).items).toEqual([])
    // Cat, who blocked nobody, may still follow bob: the refusal was the block's.
    expect((await domain.connections.follow(actors.cat!, 'bob')).iFollow).toBe(true)
  })
})
