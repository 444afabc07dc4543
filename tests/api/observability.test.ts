import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { EmbeddedEventBus } from '../../adapters/embedded/event-bus'
import { ApiClient } from '../support/client'
import { LiveClient } from '../support/live-client'
import { type RunningServer, freePort, startServer } from '../support/server'
import { eventually } from '../contract/suites/wait'

const baseURL = () => inject('baseURL')
const scrape = (url: string, headers: Record<string, string> = {}) => fetch(`${url}/metrics`, { headers }).then(async r => ({ status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text() }))

/** The series of a metric in Prometheus text, as label sets (`route="/api/health",...`) with their value. */
const series = (text: string, name: string) => text.split('\n').filter(l => l.startsWith(`${name}{`)).map(l => ({ labels: l.slice(name.length + 1, l.lastIndexOf('}')), value: Number(l.split(' ').at(-1)) }))

describe('request ids', () => {
  it('echoes a valid x-request-id, and gives every other request an id of its own', async () => {
    const client = new ApiClient(baseURL())
    expect((await client.raw('GET', '/api/health', { headers: { 'x-request-id': 'api-test.7f3a:1' } })).headers.get('x-request-id')).toBe('api-test.7f3a:1')
    const made = (await client.get('/api/health')).headers.get('x-request-id')
    expect(made).toMatch(/^[0-9a-f-]{36}$/)
    expect((await client.get('/api/health')).headers.get('x-request-id')).not.toBe(made)
    // Not one that could forge a log line: replaced.
    expect((await client.raw('GET', '/api/health', { headers: { 'x-request-id': 'a b"c' } })).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    // Errors carry it too, whether the route or the middleware in front of it refused.
    const missing = await client.raw('GET', '/api/posts/no-such-post', { headers: { 'x-request-id': 'api-test-404' } })
    expect(missing.status).toBe(404)
    expect(missing.headers.get('x-request-id')).toBe('api-test-404')
  })
})

describe('/metrics', () => {
  it('serves Prometheus text with the request histogram by route pattern, never by URL', async () => {
    const client = new ApiClient(baseURL())
    expect((await client.get('/api/health')).status).toBe(200)
    expect((await client.get('/api/posts/no-such-post-4711')).status).toBe(404)
    const { status, type, text } = await scrape(baseURL())
    expect(status).toBe(200)
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(text).toContain('# TYPE c18n_http_request_duration_seconds histogram')
    const counts = series(text, 'c18n_http_request_duration_seconds_count')
    expect(counts.find(s => s.labels === 'method="GET",route="/api/health",status_class="2xx"')?.value).toBeGreaterThanOrEqual(1)
    expect(counts.find(s => s.labels === 'method="GET",route="/api/posts/:id",status_class="4xx"')?.value).toBeGreaterThanOrEqual(1)
    expect(text).not.toContain('no-such-post-4711')
    // Embedded mode runs the consumers in the app: their batches are here, and Node's own figures.
    expect(series(text, 'c18n_consumer_batch_size_count').find(s => s.labels.endsWith('.persister"'))?.value).toBeGreaterThan(0)
    expect(text).toContain('c18n_live_connections')
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m)
  })
})

describe('with a metrics token and debug logs', () => {
  let server: RunningServer
  let output = ''
  beforeAll(async () => {
    server = await startServer({ C18N_METRICS_TOKEN: 'scrape-token-4b1c', C18N_LOG_LEVEL: 'debug' })
    server.process.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  }, 120_000)
  afterAll(() => server?.stop())

  /** The JSON lines logged since the test started. */
  const lines = () => output.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l) as Record<string, any>)

  it('serves the metrics to the bearer of the token only', async () => {
    expect((await scrape(server.url)).status).toBe(401)
    expect((await scrape(server.url, { authorization: 'Bearer not-the-token' })).status).toBe(401)
    const allowed = await scrape(server.url, { authorization: 'Bearer scrape-token-4b1c' })
    expect(allowed.status).toBe(200)
    expect(allowed.text).toContain('c18n_http_request_duration_seconds')
  })

  it('logs a write\'s request id at its route and at every consumer its event reaches', async () => {
    const grace = await new ApiClient(server.url).signIn('grace')
    const slug = `traced-${Date.now().toString(36)}`
    const created = await grace.raw('POST', '/api/communities', { body: JSON.stringify({ name: 'Traced', slug, topics: ['sailing'] }), headers: { 'content-type': 'application/json', 'x-request-id': `trace-${slug}` } })
    expect(created.status).toBe(201)
    const id = `trace-${slug}`
    await eventually(() => {
      const jobs = lines().filter(l => l.msg === 'batch handled' && l.requestids?.includes(id)).map(l => String(l.group).split('.').at(-1))
      // The persister reads the source topic; the indexer and analytics read what it applied.
      expect(jobs).toEqual(expect.arrayContaining(['persister', 'indexer', 'analytics']))
    }, 20_000, 100)
    expect(lines().find(l => l.msg === 'request' && l.requestid === id)).toMatchObject({ level: 20, method: 'POST', route: '/api/communities', status: 201 })
  })

  it('counts open websocket connections and the live events delivered to them', async () => {
    const token = { authorization: 'Bearer scrape-token-4b1c' }
    const value = async (name: string, labels = '') => series((await scrape(server.url, token)).text, name).find(s => s.labels === labels)?.value
    const grace = await new ApiClient(server.url).signIn('grace')
    const community = (await grace.post('/api/communities', { name: 'Live counts', slug: `live-counts-${Date.now().toString(36)}`, topics: [] })).json
    const live = await LiveClient.connect(server.url, { cookie: grace.cookieHeader, origin: server.url })
    try {
      const room = `community:${community.id}`
      expect((await live.call({ type: 'subscribe', room })).type).toBe('subscribed')
      const ack = await live.call({ type: 'send', room, body: 'counted' })
      await live.next(f => f.type === 'event' && f.kind === 'message.sent' && f.payload.message.id === ack.result.message.id)
      // The only socket of this server; its delivery is counted before it is sent.
      expect((await scrape(server.url, token)).text).toMatch(/^c18n_live_connections 1$/m)
      expect(await value('c18n_live_deliveries_total', 'kind="message.sent"')).toBeGreaterThanOrEqual(1)
      // The frame was a request of its own: its message's event carried a fresh id to the live group.
      await eventually(() => expect(lines().some(l => l.msg === 'batch handled' && String(l.group).endsWith('.live') && /^[0-9a-f-]{36}$/.test(l.requestids?.[0] ?? ''))).toBe(true), 10_000, 100)
    }
    finally {
      live.close()
    }
    await eventually(async () => expect((await scrape(server.url, token)).text).toMatch(/^c18n_live_connections 0$/m), 10_000, 100)
  })
})

describe('the worker\'s metrics', () => {
  let worker: ChildProcess
  let url = ''
  let output = ''
  const dataDir = mkdtempSync(join(tmpdir(), 'c18n-worker-metrics-'))
  beforeAll(async () => {
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    // Embedded ports on a folder of its own: its bus is a SQLite log this test can write to as well.
    const { KAFKA_BROKERS: _k, MONGODB_URI: _m, REDIS_URL: _r, ELASTICSEARCH_URL: _e, S3_ENDPOINT: _s, ...env } = process.env
    worker = spawn(process.execPath, ['.output/worker/index.mjs'], { env: { ...env, WORKER_HEALTH_PORT: String(port), C18N_DATA_DIR: dataDir, C18N_METRICS_TOKEN: 'worker-token-9d2e' }, stdio: ['ignore', 'pipe', 'pipe'] })
    worker.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
    await eventually(async () => expect((await fetch(`${url}/health`)).ok).toBe(true), 60_000, 200)
  }, 90_000)
  afterAll(() => { worker?.kill('SIGTERM') })

  it('serves its consumers\' batches and lag, on its local listener, to the bearer of the token', async () => {
    expect((await scrape(url)).status).toBe(401)
    // A message no event schema accepts: the persister dead-letters it, and its batch is handled.
    const bus = new EmbeddedEventBus(join(dataDir, 'bus.sqlite'))
    await bus.publish('c18n.users', [{ key: 'worker-metrics', value: 'not an event' }])
    await bus.close()
    const persister = async () => series((await scrape(url, { authorization: 'Bearer worker-token-9d2e' })).text, 'c18n_consumer_batch_size_count').find(s => s.labels === 'group="c18n.persister"')?.value
    await eventually(async () => expect(await persister()).toBe(1), 20_000, 200)
    const { text } = await scrape(url, { authorization: 'Bearer worker-token-9d2e' })
    expect(series(text, 'c18n_consumer_lag').filter(s => s.labels.startsWith('group="c18n.persister",topic="c18n.users"')).map(s => s.value)).toEqual([0])
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m)
    // Its log is JSON, and says what it dead-lettered.
    const letters = output.split('\n').filter(l => l.startsWith('{')).map(l => JSON.parse(l)).filter(l => l.msg === 'dead-lettered')
    expect(letters).toEqual([expect.objectContaining({ process: 'worker', group: 'c18n.persister', level: 40 })])
  })
})
