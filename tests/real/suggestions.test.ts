import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closePorts, createPorts } from '../../adapters/factory'
import type { Ports, Subscription } from '../../core/ports'
import { type Domain, createDomain } from '../../core/domain'
import { runConsumer } from '../../core/pipeline/consumer'
import { graphFromLog } from '../../core/suggestions/graph'
import type { Suggestions } from '../../core/suggestions/recommend'
import { Suggester, suggesterJob, suggesterTopics, suggestionsKey } from '../../core/suggestions/suggester'
import { freePort } from '../support/server'
import { caughtUp, socialActivity } from '../support/social-activity'
import { eventually } from '../contract/suites/wait'
import { realStackEnv, withDatabase } from './stack-env'

// The suggester on Kafka, FerretDB and Redis, with the worker as a separate process (which runs
// the persister and its own suggester) and two suggesters in this process to compare graphs.
const env = realStackEnv()
const ns = `c18n-s${Date.now().toString(36)}`
process.env.C18N_TOPIC_NAMESPACE = ns
const mongoUri = withDatabase(env.MONGODB_URI, `${ns}-suggestions`)
const searchPrefix = `${ns}-`

let ports: Ports
let domain: Domain
let redis: Redis
let worker: ChildProcess | null = null
const subscriptions: Subscription[] = []
const userIds: string[] = []

async function startWorker() {
  const healthPort = await freePort()
  worker = spawn(process.execPath, ['.output/worker/index.mjs'], {
    env: { ...process.env, MONGODB_URI: mongoUri, ELASTICSEARCH_INDEX_PREFIX: searchPrefix, C18N_TOPIC_NAMESPACE: ns, WORKER_HEALTH_PORT: String(healthPort), C18N_DATA_DIR: mkdtempSync(join(tmpdir(), 'c18n-worker-')) },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  await eventually(async () => expect((await fetch(`http://127.0.0.1:${healthPort}/health`)).ok).toBe(true), 60_000, 250)
}

function stopWorker() {
  return new Promise<void>((resolve) => {
    if (!worker || worker.exitCode !== null) return resolve()
    worker.once('exit', () => resolve())
    worker.kill('SIGTERM')
  })
}

const cachedFor = async (userId: string) => JSON.parse((await redis.get(suggestionsKey(userId))) ?? 'null') as Suggestions | null

beforeAll(async () => {
  ports = await createPorts({
    dataDir: mkdtempSync(join(tmpdir(), 'c18n-suggestions-')), kafkaBrokers: env.KAFKA_BROKERS.split(','), mongoUri, redisUrl: env.REDIS_URL,
    elasticsearchUrl: env.ELASTICSEARCH_URL, searchPrefix, s3: { endpoint: env.S3_ENDPOINT, accessKey: env.S3_ACCESS_KEY, secretKey: env.S3_SECRET_KEY, bucket: env.S3_BUCKET ?? 'c18n' },
  })
  domain = createDomain(ports)
  await domain.setup()
  redis = new Redis(env.REDIS_URL)
  await startWorker()
}, 180_000)

afterAll(async () => {
  await Promise.all(subscriptions.map(s => s.stop()))
  await stopWorker()
  if (userIds.length) await redis?.del(...userIds.map(suggestionsKey))
  redis?.disconnect()
  await ports?.store.dropDatabase().catch(() => {})
  for (const index of ['posts', 'users', 'communities']) await ports?.search.dropIndex(index).catch(() => {})
  if (ports) await closePorts(ports)
})

describe('suggestions on the real stack', () => {
  it('keep the graph from the Kafka stream equal to the graph rebuilt from the event log, and serve suggestions from Redis', async () => {
    const early = new Suggester(ports)
    subscriptions.push(await runConsumer(ports.bus, suggesterJob(early, `${ns}.test-early`, suggesterTopics())))
    const zed = await domain.users.create({ handle: 'real-zed', displayName: 'Zed', interests: ['film'] })
    await domain.communities.create({ id: zed.id, role: 'user' }, { name: 'Early birds', slug: 'real-early', description: '', topics: ['chess'], visibility: 'public', postsNeedApproval: false })
    // Started halfway: loads the log so far, then follows the stream from its end.
    const late = new Suggester(ports)
    subscriptions.push(await runConsumer(ports.bus, suggesterJob(late, `${ns}.test-late`, suggesterTopics())))
    const { ann, ben, cat, dan } = await socialActivity(domain, 'real')
    userIds.push(ann.id, ben.id, cat.id, dan.id, zed.id)
    await eventually(async () => expect(await caughtUp(early, ports.store) && await caughtUp(late, ports.store)).toBe(true), 120_000, 250)
    const rebuilt = (await graphFromLog(ports.store)).snapshot()
    expect(early.social.snapshot()).toEqual(rebuilt)
    expect(late.social.snapshot()).toEqual(rebuilt)
    await Promise.all(subscriptions.splice(0).map(s => s.stop()))

    // The worker's suggester wrote Ann's suggestions to Redis: the once-secret community that
    // Cat (whom Ann talks to) is in, and not Dan, whom she dismissed.
    const secret = await domain.communities.get(ann.actor, 'real-secret')
    const birds = await domain.communities.get(ann.actor, 'real-early')
    await eventually(async () => {
      const cached = await cachedFor(ann.id)
      expect(cached?.communities.map(c => [c.communityId, c.reason])).toEqual([[secret.id, '1 person you talk to is a member · Matches your interest: film'], [birds.id, 'Matches your interest: chess']])
      expect(cached?.people.map(p => p.userId)).not.toContain(dan.id)
    }, 60_000, 250)
    const served = await domain.suggestions.forUser(ann.actor, { limit: 5 })
    expect(served.communities.map(c => c.community.slug)).toEqual(['real-secret', 'real-early'])
  }, 300_000)

  it('picks up where it stopped after a worker restart', async () => {
    const ann = await domain.users.byHandle('real-ann')
    const birds = await domain.communities.get(null, 'real-early')
    await stopWorker()
    // While the worker is down the persister is too: the write is accepted, to be applied later.
    await expect(domain.communities.join({ id: ann.id, role: 'user' }, 'real-secret')).rejects.toMatchObject({ kind: 'accepted' })
    await startWorker()
    await eventually(async () => expect((await cachedFor(ann.id))?.communities.map(c => c.communityId)).toEqual([birds.id]), 120_000, 250)
    expect((await domain.suggestions.forUser({ id: ann.id, role: 'user' }, { limit: 5 })).communities.map(c => c.community.slug)).toEqual(['real-early'])
  }, 300_000)
})
