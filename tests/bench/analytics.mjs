// Analytics benchmark on the real local stack: generates events straight into the immutable store (its
// own MongoDB database), times the batch layer's full recomputation at each size, and measures the
// analytics queries' latency (the lambda merge: Elasticsearch batch views plus the Redis speed layer).
//
//   node tests/bench/analytics.mjs      (env: BENCH_SIZES=100000,1000000 BENCH_QUERIES=200 BENCH_DAYS=30
//                                             BENCH_COMMUNITIES=50 BENCH_USERS=5000)
//
// The analytics code is TypeScript: esbuild bundles it for this run (packages stay in node_modules).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'
import { Client as Elastic } from '@elastic/elasticsearch'
import { Redis } from 'ioredis'
import { MongoClient } from 'mongodb'

const ROOT = resolve(import.meta.dirname, '../..')
const SIZES = (process.env.BENCH_SIZES ?? '100000,1000000').split(',').map(Number)
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200)
const DAYS = Number(process.env.BENCH_DAYS ?? 30)
const COMMUNITIES = Number(process.env.BENCH_COMMUNITIES ?? 50)
const USERS = Number(process.env.BENCH_USERS ?? 5000)
const ts = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
const NS = `c18n-bench-an-${ts}`
const DB = NS
const PREFIX = `${NS}-`
const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const log = line => console.error(`[bench] ${line}`)
const run = { mongo: null, elastic: null, redis: null, ports: null, lib: null, cleaned: false }

function stackEnv() {
  // A shell that sourced the stack's env file wins; otherwise start (or find) the stack from here.
  if (!process.env.MONGODB_URI) execFileSync('bash', ['infra/stack.sh', 'up'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  const fromFile = existsSync(join(ROOT, '.data/stack/env'))
    ? Object.fromEntries(readFileSync(join(ROOT, '.data/stack/env'), 'utf8').split('\n').map(l => l.match(/^export (\w+)=(.*)$/)).filter(Boolean).map(m => [m[1], m[2]]))
    : {}
  const env = { ...fromFile, ...process.env }
  for (const k of ['MONGODB_URI', 'REDIS_URL', 'ELASTICSEARCH_URL']) {
    if (!/^(\w+:\/\/)?127\.0\.0\.1[:/]/.test(env[k] ?? '')) throw new Error(`${k}=${env[k]} is not on 127.0.0.1; the bench only talks to the local stack`)
  }
  return env
}

/** mulberry32: the same events on every run. */
function random(seed) {
  let a = seed
  return () => {
    a |= 0
    a = (a + 0x6D2B79F5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const KINDS = ['like', 'love', 'laugh', 'wow', 'sad']
const communityId = i => `bc${i.toString(36).padStart(4, '0')}`
const userId = i => `bu${i.toString(36).padStart(5, '0')}`

/**
 * Events as the persister records them, spread over DAYS days before `endMs`: users sign up and
 * join communities, then post, reply, react, share and sometimes leave. Up to a few share one millisecond.
 */
function* generate(count, startIndex, endMs, rand) {
  const span = DAYS * DAY
  const posts = []
  for (let n = startIndex; n < startIndex + count; n++) {
    const time = new Date(endMs - span + Math.floor(rand() * span / 3) * 3).toISOString()
    const user = userId(Math.floor(rand() * USERS))
    const community = communityId(Math.floor(rand() * COMMUNITIES))
    const roll = rand()
    const id = `be${n.toString(36)}`
    let type
    let data
    if (roll < 0.03) [type, data] = ['c18n.user.registered', { id: user, handle: `bench-${user}`, displayName: user, bio: '', interests: [], avatarUrl: null, role: 'user' }]
    else if (roll < 0.12) [type, data] = ['c18n.membership.joined', { communityId: community, userId: user }]
    else if (roll < 0.13) [type, data] = ['c18n.membership.left', { communityId: community, userId: user }]
    else if (roll < 0.43 || !posts.length) {
      posts.push([id, community])
      if (posts.length > 5000) posts.splice(0, 1000)
      ;[type, data] = ['c18n.post.created', { id, communityId: community, authorId: user, parentId: null, rootId: id, title: `Bench ${n}`, body: 'x', tags: [] }]
    }
    else {
      const [postId, postCommunity] = posts[Math.floor(rand() * posts.length)]
      if (roll < 0.72) [type, data] = ['c18n.post.created', { id, communityId: postCommunity, authorId: user, parentId: postId, rootId: postId, title: '', body: 'y', tags: [] }]
      else if (roll < 0.97) [type, data] = ['c18n.reaction.added', { postId, communityId: postCommunity, userId: user, kind: KINDS[Math.floor(rand() * KINDS.length)] }]
      else [type, data] = ['c18n.share.created', { id, postId, communityId: postCommunity, userId: user, url: '', target: { type: 'link' } }]
    }
    const topic = `c18n.${type.split('.')[1]}s`
    yield { _id: `ev-${n.toString(36)}`, topic, type, subject: String(data.id ?? data.postId ?? data.communityId), time, actorid: user, data, status: 'applied', recordedAt: time }
  }
}

async function insertEvents(db, count, startIndex, endMs, rand) {
  const started = Date.now()
  const events = db.collection('events')
  let batch = []
  for (const event of generate(count, startIndex, endMs, rand)) {
    batch.push(event)
    if (batch.length === 10_000) {
      await events.insertMany(batch, { ordered: false })
      batch = []
    }
  }
  if (batch.length) await events.insertMany(batch, { ordered: false })
  log(`inserted ${count} events in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

const pct = (values, p) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)]
const rssMiB = () => +(process.memoryUsage().rss / 2 ** 20).toFixed(0)

async function queryLatency(analytics, endMs, rand) {
  const admin = { id: 'bench-admin', role: 'admin' }
  const range = { fromMs: endMs - DAYS * DAY, toMs: endMs + MINUTE }
  const kinds = {
    'series by day, 30 days': c => analytics.series(admin, { community: c, granularity: 'day', ...range }, endMs),
    'series by hour, 48 hours': c => analytics.series(admin, { community: c, granularity: 'hour', fromMs: endMs - 2 * DAY, toMs: endMs + MINUTE }, endMs),
    'top contributors, 30 days': c => analytics.top(admin, { community: c, by: 'contributors', limit: 10, ...range }, endMs),
    'cohorts': c => analytics.cohorts(admin, { community: c, fromMs: endMs - 180 * DAY, toMs: endMs }),
  }
  const out = {}
  for (const [name, query] of Object.entries(kinds)) {
    const times = []
    for (let i = 0; i < QUERIES; i++) {
      // One in ten is site-wide, the rest one community each.
      const community = i % 10 === 0 ? undefined : `bench-${communityId(Math.floor(rand() * COMMUNITIES))}`
      const t0 = performance.now()
      await query(community)
      times.push(performance.now() - t0)
    }
    out[name] = { p50: +pct(times, 50).toFixed(1), p95: +pct(times, 95).toFixed(1), n: times.length }
  }
  return out
}

async function main() {
  const env = stackEnv()
  process.env.C18N_TOPIC_NAMESPACE = NS // the speed layer's Redis keys
  mkdirSync(join(ROOT, '.data/bench'), { recursive: true })
  run.lib = join(ROOT, `.data/bench/analytics-lib-${ts}.mjs`)
  await build({
    stdin: { contents: `export { createPorts, closePorts } from './adapters/factory'\nexport { createDomain } from './core/domain'\n`, resolveDir: ROOT, loader: 'ts' },
    outfile: run.lib, bundle: true, platform: 'node', format: 'esm', target: 'node24', packages: 'external', logLevel: 'warning',
  })
  const { createPorts, closePorts, createDomain } = await import(run.lib)
  const mongoUrl = new URL(env.MONGODB_URI)
  mongoUrl.pathname = `/${DB}`
  run.mongo = new MongoClient(mongoUrl.toString())
  run.elastic = new Elastic({ node: env.ELASTICSEARCH_URL })
  run.redis = new Redis(env.REDIS_URL)
  run.ports = await createPorts({ dataDir: join(os.tmpdir(), NS), mongoUri: mongoUrl.toString(), redisUrl: env.REDIS_URL, elasticsearchUrl: env.ELASTICSEARCH_URL, searchPrefix: PREFIX })
  run.closePorts = closePorts
  const domain = createDomain(run.ports)
  await domain.setup()
  const db = run.mongo.db(DB)
  // The communities the queries name, as the projection would have stored them.
  await db.collection('communities').insertMany(Array.from({ length: COMMUNITIES }, (_, i) => ({
    _id: communityId(i), slug: `bench-${communityId(i)}`, name: `Bench ${i}`, description: '', topics: [], visibility: 'public', postsNeedApproval: false, ownerId: userId(0), memberCount: 0, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
  })))

  const endMs = Math.floor(Date.now() / HOUR) * HOUR - HOUR
  const rand = random(18)
  const results = []
  let inserted = 0
  for (const [i, size] of SIZES.entries()) {
    await insertEvents(db, size - inserted, inserted, endMs, rand)
    inserted = size
    const cutoffMs = Math.floor(Date.now() / MINUTE) * MINUTE + i * MINUTE // a new cut-off each time: a full recomputation
    const t0 = performance.now()
    const batch = await domain.analytics.runBatch({ cutoffMs, log })
    const batchMs = performance.now() - t0
    const docs = (await run.elastic.count({ index: `${PREFIX}analytics-${batch.runId}`.toLowerCase() })).count
    const latency = await queryLatency(domain.analytics, endMs, random(7))
    const result = { events: size, batchSeconds: +(batchMs / 1000).toFixed(1), eventsPerSecond: Math.round(batch.events / (batchMs / 1000)), batchViewDocs: docs, rssMiB: rssMiB(), queryMs: latency }
    results.push(result)
    log(JSON.stringify(result))
  }
  const cpus = os.cpus()
  const report = { at: new Date().toISOString(), machine: { cpu: cpus[0]?.model, cpus: cpus.length, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version }, settings: { days: DAYS, communities: COMMUNITIES, users: USERS, queriesPerKind: QUERIES }, results }
  console.log(`\nc18n analytics bench — ${report.machine.cpus} × ${report.machine.cpu}, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}`)
  console.log(`events over ${DAYS} days in ${COMMUNITIES} communities by ${USERS} people; ${QUERIES} queries of each kind (1 in 10 site-wide)`)
  for (const r of results) {
    console.log(`${String(r.events).padStart(8)} events: batch ${r.batchSeconds} s (${r.eventsPerSecond} events/s, ${r.batchViewDocs} view documents, RSS ${r.rssMiB} MiB)`)
    for (const [name, q] of Object.entries(r.queryMs)) console.log(`           ${name.padEnd(28)} p50 ${String(q.p50).padStart(7)} ms   p95 ${String(q.p95).padStart(7)} ms`)
  }
  const file = join(ROOT, `.data/bench/analytics-${ts}.json`)
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
  console.log(`JSON: ${file}`)
}

async function cleanup() {
  if (run.cleaned) return
  run.cleaned = true
  const step = async (what, work) => {
    try { await work() }
    catch (e) { log(`cleanup: ${what} failed: ${e.message}`) }
  }
  if (run.ports) await step('closing ports', () => run.closePorts(run.ports))
  if (run.mongo) await step(`dropping ${DB}`, () => run.mongo.db(DB).dropDatabase().finally(() => run.mongo.close()))
  // Elasticsearch refuses wildcard deletes by default, so name each index.
  if (run.elastic) await step(`deleting ${PREFIX}*`, async () => {
    const names = Object.keys(await run.elastic.indices.get({ index: `${PREFIX}*`, expand_wildcards: 'all' }))
    if (names.length) await run.elastic.indices.delete({ index: names.join(',') })
    await run.elastic.close()
  })
  if (run.redis) await step(`deleting ${NS}:*`, async () => {
    let cursor = '0'
    do {
      const [next, keys] = await run.redis.scan(cursor, 'MATCH', `${NS}:*`, 'COUNT', 500)
      cursor = next
      if (keys.length) await run.redis.del(...keys)
    } while (cursor !== '0')
    run.redis.disconnect()
  })
  if (run.lib) rmSync(run.lib, { force: true })
  rmSync(join(os.tmpdir(), NS), { recursive: true, force: true })
}

process.once('SIGINT', () => cleanup().then(() => process.exit(1)))
main().then(cleanup, async (error) => {
  console.error(`[bench] FAILED: ${error.stack ?? error.message}`)
  await cleanup()
  process.exit(1)
})
