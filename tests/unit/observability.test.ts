import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EmbeddedEventBus } from '../../adapters/embedded/event-bus'
import type { DeliveredMessage } from '../../core/ports'
import { appliedOf } from '../../core/pipeline/applied'
import { newEvent } from '../../core/pipeline/events'
import { metricsAllowed, observeHttp, registry } from '../../core/observability/metrics'
import { observedBus } from '../../core/observability/observed-bus'
import { currentRequestId, requestIdFrom, withRequestId } from '../../core/observability/request-context'
import { cloudEventSchema, topicOf } from '../../shared/schemas/events'
import { eventually } from '../contract/suites/wait'
import { freshDomain } from './helpers'

const bus = new EmbeddedEventBus(join(mkdtempSync(join(tmpdir(), 'c18n-observe-')), 'bus.sqlite'))
afterAll(async () => { await bus.close() })

/** One sample of the registry's text output, or undefined when the series is not there. */
async function sample(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`)
  const line = (await registry.metrics()).split('\n').find(l => l.startsWith(`${name}{`) && wanted.every(w => l.includes(w)))
  return line === undefined ? undefined : Number(line.split(' ').at(-1))
}

describe('metrics', () => {
  it('counts a handled batch, its size and the lag it leaves, per consumer group', async () => {
    const topic = 'observe.lag'
    await bus.ensureTopics([{ name: topic, partitions: 1 }])
    await bus.publish(topic, ['a', 'b', 'c', 'd', 'e'].map(value => ({ key: 'k', value })))
    let releaseSecond!: () => void
    const secondHeld = new Promise<void>((resolve) => { releaseSecond = resolve })
    const seen: string[][] = []
    const sub = await observedBus(bus).subscribeBatch({ groupId: 'observe-lag', topics: [topic], fromBeginning: true, maxBatch: 2 }, async (messages: DeliveredMessage[]) => {
      seen.push(messages.map(m => m.value))
      if (seen.length === 2) await secondHeld
    })
    // While the second batch is held, the first one is measured: 2 handled, 3 behind it.
    await eventually(async () => expect(await sample('c18n_consumer_lag', { group: 'observe-lag', topic, partition: '0' })).toBe(3))
    expect(await sample('c18n_consumer_batch_size_count', { group: 'observe-lag' })).toBe(1)
    expect(await sample('c18n_consumer_batch_size_sum', { group: 'observe-lag' })).toBe(2)
    releaseSecond()
    await eventually(async () => expect(await sample('c18n_consumer_lag', { group: 'observe-lag', topic, partition: '0' })).toBe(0))
    expect(await sample('c18n_consumer_batch_size_sum', { group: 'observe-lag' })).toBe(5)
    expect(await sample('c18n_consumer_batch_duration_seconds_count', { group: 'observe-lag', outcome: 'handled' })).toBe(3)
    await sub.stop()
    expect(seen).toEqual([['a', 'b'], ['c', 'd'], ['e']])
  })

  it('times a failed batch apart from the handled ones, and the bus still retries it', async () => {
    const topic = 'observe.failing'
    await bus.ensureTopics([{ name: topic, partitions: 1 }])
    await bus.publish(topic, [{ key: 'k', value: 'x' }])
    let calls = 0
    const sub = await observedBus(bus).subscribeBatch({ groupId: 'observe-failing', topics: [topic], fromBeginning: true }, async () => {
      if (++calls === 1) throw new Error('first attempt fails')
    })
    await eventually(async () => expect(await sample('c18n_consumer_batch_duration_seconds_count', { group: 'observe-failing', outcome: 'handled' })).toBe(1))
    expect(await sample('c18n_consumer_batch_duration_seconds_count', { group: 'observe-failing', outcome: 'failed' })).toBe(1)
    expect(await sample('c18n_consumer_batch_size_count', { group: 'observe-failing' })).toBe(1)
    await sub.stop()
  })

  it('keeps HTTP latency by route pattern and status class, and counts 5xx as errors', async () => {
    observeHttp('GET', '/api/test-only/:id', 200, 0.02)
    observeHttp('GET', '/api/test-only/:id', 503, 0.2)
    expect(await sample('c18n_http_request_duration_seconds_count', { method: 'GET', route: '/api/test-only/:id', status_class: '2xx' })).toBe(1)
    expect(await sample('c18n_http_request_duration_seconds_bucket', { route: '/api/test-only/:id', status_class: '2xx', le: '0.025' })).toBe(1)
    expect(await sample('c18n_http_request_duration_seconds_bucket', { route: '/api/test-only/:id', status_class: '5xx', le: '0.1' })).toBe(0)
    expect(await sample('c18n_http_errors_total', { route: '/api/test-only/:id', status: '503' })).toBe(1)
    expect(await sample('c18n_http_errors_total', { route: '/api/test-only/:id', status: '200' })).toBeUndefined()
  })

  it('serves anyone without a token, and only the right bearer with one', () => {
    expect(metricsAllowed(undefined, '')).toBe(true)
    expect(metricsAllowed(undefined, 's3cret')).toBe(false)
    expect(metricsAllowed('Bearer wrong!', 's3cret')).toBe(false)
    expect(metricsAllowed('Bearer s3cret', 's3cret')).toBe(true)
  })
})

describe('request ids', () => {
  it('takes a valid incoming id and makes one for anything else', () => {
    expect(requestIdFrom('load-7f3a.b:c_d')).toBe('load-7f3a.b:c_d')
    for (const bad of [undefined, '', 'has space', 'new\nline', 'x'.repeat(65), '{"json":1}']) {
      const made = requestIdFrom(bad)
      expect(made, String(bad)).not.toBe(bad)
      expect(made).toMatch(/^[0-9a-f-]{36}$/)
    }
  })

  it('puts the current request id on the events made for it, as a CloudEvent extension the schema keeps', () => {
    const made = withRequestId('req-events-1', () => newEvent('posts', 'post.deleted', 'p1', 'k', { id: 'p1', deletedBy: 'u' }).event)
    expect(made.requestid).toBe('req-events-1')
    expect(cloudEventSchema.parse(JSON.parse(JSON.stringify(made))).requestid).toBe('req-events-1')
    expect(newEvent('posts', 'post.deleted', 'p1', 'k', { id: 'p1', deletedBy: 'u' }).event).not.toHaveProperty('requestid')
    expect(currentRequestId()).toBeUndefined()
  })

  it('follows a command\'s event through the persister to the applied stream the views read', async () => {
    const { domain, make } = await freshDomain()
    const ann = await make('ann')
    await domain.communities.create(ann.actor, { name: 'Quay', slug: 'quay', description: '', topics: [], visibility: 'public', postsNeedApproval: false })
    const post = await withRequestId('req-followed-1', () => domain.posts.create(ann.actor, 'quay', { title: 'Followed', body: 'by its request id', tags: [] }))
    const found: Array<{ topic: string, requestid?: string }> = []
    const sub = await domain.ports.bus.subscribeBatch({ groupId: 'observe-follow', topics: [topicOf('posts'), appliedOf(topicOf('posts'))], fromBeginning: true }, async (messages) => {
      for (const m of messages) {
        const value = JSON.parse(m.value)
        const event = value.event ?? value
        if (event.subject === post.id) found.push({ topic: m.topic, requestid: event.requestid })
      }
    })
    await eventually(() => expect(found.map(f => f.topic).sort()).toEqual([topicOf('posts'), appliedOf(topicOf('posts'))].sort()))
    await sub.stop()
    expect(found.map(f => f.requestid)).toEqual(['req-followed-1', 'req-followed-1'])
    // The pipeline's own consumers are measured too: the persister handled batches.
    expect(await sample('c18n_consumer_batch_size_count', { group: 'c18n.persister' })).toBeGreaterThan(0)
  })
})
