import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../support/client'
import { LiveClient } from '../support/live-client'
import { type RunningServer, startServer } from '../support/server'
import { eventually } from '../contract/suites/wait'
import { WorkerProcess, stackSpace, spaceEnv } from './stack'

// Two app instances side by side on Kafka, FerretDB and Redis, with the worker as its own
// process: a message sent through either reaches every subscriber on both, by Redis pub/sub.
const space = stackSpace('rt', 'realtime')
const shared = { ...spaceEnv(space), C18N_RUN_CONSUMERS: 'false', AUTH_SECRET: 'two-instances-one-secret' }
const worker = new WorkerProcess(space, shared)
const servers: RunningServer[] = []
const sockets: LiveClient[] = []
let direct = ''

async function live(server: RunningServer, client: ApiClient) {
  const socket = await LiveClient.connect(server.url, { cookie: client.cookieHeader })
  sockets.push(socket)
  return socket
}

beforeAll(async () => {
  await worker.start()
  servers.push(await startServer(shared))
  // The first instance seeds the demo data; the second starts once it is there.
  await eventually(async () => expect((await (await fetch(`${servers[0]!.url}/api/users/alan`)).json()).handle).toBe('alan'), 180_000, 500)
  servers.push(await startServer({ ...shared, C18N_SEED: 'false' }))
}, 300_000)

afterAll(async () => {
  sockets.forEach(s => s.close())
  await Promise.all(servers.map(s => s.stop()))
  await worker.stop()
})

describe('live delivery across two app instances', () => {
  it('delivers every message to every subscriber on either instance, once and in order', async () => {
    const [one, two] = servers as [RunningServer, RunningServer]
    const grace = await new ApiClient(one.url).signIn('grace')
    const alan = await new ApiClient(two.url).signIn('alan')
    direct = (await grace.post('/api/rooms/direct', { handles: ['alan'] })).json.id
    const listeners = [await live(one, grace), await live(two, alan), await live(one, await new ApiClient(one.url).signIn('alan'))]
    for (const socket of listeners) expect((await socket.call({ type: 'subscribe', room: direct })).type).toBe('subscribed')
    const [fromGrace, fromAlan] = [listeners[0]!, listeners[1]!]
    const sent: string[] = []
    for (let i = 0; i < 20; i++) {
      const body = `message ${i}`
      const ack = await (i % 2 ? fromAlan : fromGrace).call({ type: 'send', room: direct, body })
      expect(ack.type).toBe('ack')
      sent.push(body)
    }
    for (const socket of listeners) {
      await socket.next(f => f.type === 'event' && f.payload.message?.body === 'message 19', 10_000)
      const events = socket.events(direct)
      expect(events.map(e => e.payload.message.body)).toEqual(sent)
      expect(events.map(e => e.seq)).toEqual(events.map((_, i) => events[0]!.seq + i))
    }
  }, 120_000)

  it('catches a client up on the other instance after it reconnects', async () => {
    const [one, two] = servers as [RunningServer, RunningServer]
    const grace = await new ApiClient(one.url).signIn('grace')
    const alan = await new ApiClient(two.url).signIn('alan')
    const before = await live(one, grace)
    await before.call({ type: 'subscribe', room: direct })
    await alan.post(`/api/rooms/${direct}/messages`, { body: 'last one before you go' })
    const last = await before.next(f => f.type === 'event' && f.payload.message?.body === 'last one before you go')
    before.close()
    for (const body of ['while away 1', 'while away 2', 'while away 3']) expect((await alan.post(`/api/rooms/${direct}/messages`, { body })).status).toBe(201)
    const after = await live(two, grace)
    await after.call({ type: 'subscribe', room: direct, since: last.seq })
    await after.next(f => f.type === 'event' && f.payload.message?.body === 'while away 3', 10_000)
    expect(after.events(direct).map(e => e.payload.message.body)).toEqual(['while away 1', 'while away 2', 'while away 3'])
  }, 60_000)
})
