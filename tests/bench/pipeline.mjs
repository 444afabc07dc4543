// The pipeline benchmark on the real local stack, in one run (figures, not a timed test):
//   1. raw baseline: plain kafkajs producing recorded c18n events (same sizes and keys) with batched sends,
//      consumed by eachBatch groups, one per worker group, that only parse and commit;
//   2. the same through c18n's own Kafka adapter (group-commit producer, subscribeBatch) with empty handlers;
//   3. the whole pipeline, open loop: fixed arrival rates of a realistic mix (posts, replies, reactions,
//      shares, chat messages) from many users across many communities, latency measured from each
//      request's *scheduled* send time; a rate holds when every group's lag stays flat.
// Repeats are interleaved (rate after rate, then again) and medians reported. The last line sums it up.
//
//   set -a; source .data/stack/env; set +a; npm run build
//   node tests/bench/pipeline.mjs [--rates 200,500,1000,2000,3000] [--seconds 60] [--warmup 10] [--repeats 3]
//                                 [--users 200] [--communities 24] [--raw-events 100000]
//
// Plain JavaScript on purpose: Node's type stripping rejects the repo's TS parameter properties; the few TS
// pieces it needs (the fixture, c18n's Kafka adapter) are bundled with esbuild into the run's folder.
import { spawn } from 'node:child_process'
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { setTimeout as sleep } from 'node:timers/promises'
import { Client as Elastic } from '@elastic/elasticsearch'
import { build } from 'esbuild'
import { Redis } from 'ioredis'
import { Kafka, logLevel } from 'kafkajs'
import { MongoClient } from 'mongodb'

const ROOT = resolve(import.meta.dirname, '../..')
const { values: args } = parseArgs({
  options: {
    'rates': { type: 'string', default: process.env.BENCH_RATES ?? '200,500,1000,2000,3000' },
    'seconds': { type: 'string', default: process.env.BENCH_SECONDS ?? '60' },
    'warmup': { type: 'string', default: process.env.BENCH_WARMUP ?? '10' },
    'repeats': { type: 'string', default: process.env.BENCH_REPEATS ?? '3' },
    'users': { type: 'string', default: '200' },
    'communities': { type: 'string', default: '24' },
    'raw-events': { type: 'string', default: '100000' },
    'baselines-only': { type: 'boolean', default: false },
  },
})
const RATES = args.rates.split(',').map(Number).filter(n => n > 0)
const SECONDS = Number(args.seconds)
const WARMUP = Number(args.warmup)
const REPEATS = Number(args.repeats)
const USERS = Number(args.users)
const COMMUNITIES = Number(args.communities)
const RAW_EVENTS = Number(args['raw-events'])
const REDIS_DB = Number(process.env.BENCH_REDIS_DB ?? 14)
// How long the pipeline gets to drain between windows before the next one starts anyway.
const QUIET_MS = Number(process.env.BENCH_QUIET_MS ?? 120_000)
const REQUEST_TIMEOUT_MS = Number(process.env.BENCH_REQUEST_TIMEOUT_MS ?? 30_000)
const NS = `c18n-bench${Date.now().toString(36)}`
const TAG = Date.now().toString(36).slice(-5)
const DB = `c18n-bench-${TAG}`
const PREFIX = `c18n-bench-${TAG}-`
const AGGREGATES = ['users', 'groups', 'communities', 'memberships', 'posts', 'reactions', 'shares', 'messages', 'suggestions', 'media', 'connections']
const applied = list => list.map(a => `${NS}.${a}.applied`)
// Each consumer group and its topics, as workers/consumers.ts subscribes them.
const JOBS = {
  'persister': AGGREGATES.map(a => `${NS}.${a}`),
  'cacher': applied(['users', 'posts', 'reactions', 'shares', 'messages']),
  'indexer': applied(['users', 'communities', 'posts', 'messages']),
  'notifier': applied(['posts', 'reactions', 'shares', 'connections']),
  'flagger': applied(['posts', 'reactions']),
  'analytics': applied(['users', 'communities', 'memberships', 'posts', 'reactions', 'shares', 'messages']),
  'live': [`${NS}.messages`],
  'live-posts': applied(['posts', 'reactions', 'shares', 'media']),
  'media': applied(['media', 'posts', 'messages']),
  'home-live': applied(['posts', 'connections', 'memberships']),
}
// The mix, in shares of the arrivals.
const MIX = [['post', 0.2], ['reply', 0.15], ['reaction', 0.35], ['share', 0.1], ['chat', 0.2]]
const now = () => performance.timeOrigin + performance.now()
const log = line => console.error(`[bench] ${line}`)
process.removeAllListeners('warning')
process.on('warning', w => w.name === 'TimeoutNegativeWarning' || console.error(w))

const run = { procs: [], tmp: null, cleaned: false, closers: [] }
// Numbers every request of the run: a post's title carries it, so a socket frame names its request.
let nextSeq = 0
const pct = (values, p) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)] ?? NaN
const median = values => pct(values.filter(Number.isFinite), 50)
const f0 = v => (Number.isFinite(v) ? Math.round(v).toString() : '-')

function stackEnv() {
  const env = process.env
  for (const k of ['KAFKA_BROKERS', 'MONGODB_URI', 'REDIS_URL', 'ELASTICSEARCH_URL', 'S3_ENDPOINT']) {
    if (!env[k]) throw new Error(`${k} is not set: source the stack's env file first (set -a; source .data/stack/env; set +a)`)
    if (!/^(\w+:\/\/)?127\.0\.0\.1[:/]/.test(env[k])) throw new Error(`${k}=${env[k]} is not on 127.0.0.1; the bench only talks to the local stack`)
  }
  return env
}

const freePort = () => new Promise((done, reject) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address()
    s.close(() => done(port))
  }).on('error', reject)
})

function start(name, entry, env, nodeArgs = []) {
  const logPath = join(run.tmp, `${name}.log`)
  const child = spawn(process.execPath, [...nodeArgs, entry], { cwd: run.tmp, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const out = createWriteStream(logPath)
  child.stdout.pipe(out)
  child.stderr.pipe(out)
  const proc = { name, child, logPath }
  run.procs.push(proc)
  child.once('close', (code) => { if (!run.cleaned) fail(`${name} exited with ${code}:\n${readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n')}`) })
  return proc
}

async function waitFor(what, check, ms = 180_000) {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(200)) {
    if (await check().catch(() => false)) return
  }
  throw new Error(`${what} did not happen within ${ms / 1000} s`)
}

/**
 * CPU seconds a process and its direct children (PostgreSQL's backends) have used so far, from
 * /proc/<pid>/stat: [1] ppid, [11] utime, [12] stime after the command.
 */
function cpuOf(pid) {
  let ticks = 0
  for (const entry of readdirSync('/proc').filter(e => /^\d+$/.test(e))) {
    let f
    try { f = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ') }
    catch { continue } // gone meanwhile
    if (Number(entry) === pid || Number(f[1]) === pid) ticks += Number(f[11]) + Number(f[12])
  }
  return ticks / 100
}
const rssOf = (pid) => {
  try { return Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) * 1024 }
  catch { return 0 }
}

// ------------------------------------------------------------------------------------ recorded events

/** c18n events as the API writes them, of the mix's types, sizes and keys (a community per key). */
function recordedEvents(n, communities) {
  const out = []
  for (let i = 0; i < n; i++) {
    const community = `c${(i % communities).toString().padStart(4, '0')}xxxxxxxxxxxx`
    const kind = MIX[i % MIX.length][0]
    const aggregate = { post: 'posts', reply: 'posts', reaction: 'reactions', share: 'shares', chat: 'messages' }[kind]
    const id = `${Date.now().toString(36)}${i.toString(36).padStart(8, '0')}`
    const data = kind === 'post' || kind === 'reply'
      ? { id, communityId: community, authorId: `u${i % 200}`, parentId: kind === 'reply' ? `p${i}` : null, rootId: id, title: kind === 'post' ? `Bench post ${i}` : '', body: `Post ${i} of the pipeline benchmark, about compilers and space.`, tags: ['bench'] }
      : kind === 'chat'
        ? { id, roomId: `community:${community}`, authorId: `u${i % 200}`, parentId: null, body: `message ${i} in the room` }
        : { postId: `p${i}`, communityId: community, userId: `u${i % 200}`, kind: 'like', authorId: 'u1', ...(kind === 'share' ? { id, target: { type: 'link' } } : {}) }
    out.push({ topic: aggregate, key: kind === 'chat' ? data.roomId : community, value: JSON.stringify({ specversion: '1.0', id: crypto.randomUUID(), source: '/c18n/api', type: `c18n.${kind === 'chat' ? 'message.sent' : kind === 'reply' ? 'post.created' : `${kind}.${kind === 'reaction' ? 'added' : 'created'}`}`, time: new Date().toISOString(), subject: id, datacontenttype: 'application/json', actorid: `u${i % 200}`, data }) })
  }
  return out
}

/** Nine groups over `topics`, each done when it has seen `total` messages: the consuming rate. */
async function consumeAll(subscribe, total, groups = 9) {
  const started = now()
  const counts = Array.from({ length: groups }, () => 0)
  let done = 0
  let finish
  const finished = new Promise(r => (finish = r))
  const stops = []
  for (let g = 0; g < groups; g++) {
    stops.push(await subscribe(g, (n) => {
      counts[g] += n
      if (counts[g] >= total && counts[g] - n < total && ++done === groups) finish()
    }))
  }
  return { started, finished, stops }
}

async function rawBaseline(brokers, events) {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  const topics = [...new Set(events.map(e => e.topic))].map(t => `${NS}.raw.${t}`)
  await admin.createTopics({ waitForLeaders: true, topics: topics.map(topic => ({ topic, numPartitions: 6 })) })
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 5 })
  await producer.connect()
  const consumers = []
  const consuming = await consumeAll(async (g, seen) => {
    const consumer = kafka.consumer({ groupId: `${NS}.raw.g${g}` })
    consumers.push(consumer)
    await consumer.connect()
    await consumer.subscribe({ topics, fromBeginning: true })
    await consumer.run({
      autoCommit: false, partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) JSON.parse(m.value.toString())
        await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() }])
        seen(batch.messages.length)
      },
    })
    return () => consumer.disconnect()
  }, events.length)
  const t0 = now()
  // Batches of 1,000, several in flight at once: the best plain kafkajs does with this producer.
  await Promise.all(Array.from({ length: 5 }, async (_, w) => {
    for (let i = w * 1000; i < events.length; i += 5 * 1000) {
      const slice = events.slice(i, i + 1000)
      const byTopic = new Map()
      for (const e of slice) byTopic.set(`${NS}.raw.${e.topic}`, [...(byTopic.get(`${NS}.raw.${e.topic}`) ?? []), { key: e.key, value: e.value }])
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) })
    }
  }))
  const produced = now()
  await consuming.finished
  const t1 = now()
  await Promise.all(consumers.map(c => c.disconnect()))
  await producer.disconnect()
  await admin.deleteTopics({ topics }).catch(() => {})
  await admin.disconnect()
  return { produceRate: events.length / ((produced - t0) / 1000), rate: events.length / ((t1 - t0) / 1000) }
}

async function adapterBaseline(KafkaEventBus, brokers, events) {
  const bus = new KafkaEventBus(brokers, 'bench-adapter', 6)
  await bus.connect()
  const topics = [...new Set(events.map(e => e.topic))].map(t => `${NS}.adapter.${t}`)
  // A topic just created may not have its leaders yet: kafkajs then fails the metadata call; try again.
  for (let attempt = 1; ; attempt++) {
    try {
      await bus.ensureTopics(topics.map(name => ({ name, partitions: 6 })))
      break
    }
    catch (error) {
      if (attempt >= 10) throw error
      await sleep(1000)
    }
  }
  const consuming = await consumeAll(async (g, seen) => {
    const sub = await bus.subscribeBatch({ groupId: `${NS}.adapter.g${g}`, topics, fromBeginning: true }, async (messages) => {
      for (const m of messages) JSON.parse(m.value)
      seen(messages.length)
    })
    return () => sub.stop()
  }, events.length)
  const t0 = now()
  // Many callers publishing at once, as the app's requests do: the group commit gathers them.
  await Promise.all(Array.from({ length: 64 }, async (_, w) => {
    for (let i = w * 100; i < events.length; i += 64 * 100) {
      const slice = events.slice(i, i + 100)
      await Promise.all([...new Set(slice.map(e => e.topic))].map(t => bus.publish(`${NS}.adapter.${t}`, slice.filter(e => e.topic === t).map(e => ({ key: e.key, value: e.value })))))
    }
  }))
  const produced = now()
  await consuming.finished
  const t1 = now()
  await Promise.all(consuming.stops.map(s => s()))
  await bus.close()
  return { produceRate: events.length / ((produced - t0) / 1000), rate: events.length / ((t1 - t0) / 1000) }
}

// ------------------------------------------------------------------------------------------ the app

function apiClient(base) {
  const cookies = new Map()
  const call = async (method, path, body, type = 'application/json') => {
    // An answer later than this counts as a failure: an overloaded app must not hold the run forever.
    const res = await fetch(base + path, { method, redirect: 'manual', body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), headers: { 'content-type': type, 'origin': base, 'cookie': [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })
    for (const [, k, v] of res.headers.getSetCookie().map(line => line.match(/^([^=]+)=([^;]*)/))) cookies.set(k, v)
    const text = await res.text()
    let json = null
    try { json = JSON.parse(text) }
    catch { /* not JSON */ }
    return { status: res.status, json, text }
  }
  return {
    cookieHeader: () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    post: (path, body = {}) => call('POST', path, JSON.stringify(body)),
    async signIn(handle) {
      const { json: { csrfToken } } = await call('GET', '/api/auth/csrf')
      await call('POST', '/api/auth/callback/credentials', new URLSearchParams({ csrfToken, handle, password: 'c18n-demo', json: 'true' }).toString(), 'application/x-www-form-urlencoded')
      if ((await call('GET', '/api/auth/session')).json?.user?.handle !== handle) throw new Error(`sign-in as ${handle} failed`)
      return this
    },
  }
}

/** Lag of every group: messages on its topics it has not committed yet. */
async function lags(admin) {
  const ends = new Map()
  const out = {}
  for (const [job, topics] of Object.entries(JOBS)) {
    let behind = 0
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId: `${NS}.${job}`, topics })) {
      if (!ends.has(topic)) ends.set(topic, await admin.fetchTopicOffsets(topic))
      for (const p of partitions) behind += Number(ends.get(topic).find(e => e.partition === p.partition).high) - Math.max(0, Number(p.offset))
    }
    out[job] = behind
  }
  return out
}

/** One open-loop window at `rate`: arrivals on a fixed schedule, whatever the answers do. */
async function openLoop({ rate, seconds, clients, fixture, ws, admin, pids, mongo, redis, elastic }) {
  const users = fixture.users
  const recent = fixture.communities.map(c => [c.firstPost])
  const requests = []
  const total = Math.round(rate * seconds)
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuOf(pid)]))
  const rss = { app: 0, worker: 0 }
  const sampler = setInterval(() => { for (const k of ['app', 'worker']) rss[k] = Math.max(rss[k], rssOf(pids[k])) }, 250)
  const lagSamples = []
  const lagSampler = setInterval(async () => { lagSamples.push({ at: now(), lag: await lags(admin).catch(() => null) }) }, 2000)
  lagSamples.push({ at: now(), lag: await lags(admin) })
  const t0 = now() + 50
  const inFlight = []
  for (let i = 0; i < total; i++) {
    const scheduled = t0 + (i * 1000) / rate
    const wait = scheduled - now()
    // Behind schedule the sends go out at once, but the loop still yields, so answers are timed.
    if (wait > 1) await sleep(wait)
    else if (i % 50 === 0) await new Promise(resolve => setImmediate(resolve))
    const u = (i * 7919) % users.length
    const user = users[u]
    const c = user.communities[i % user.communities.length]
    const community = fixture.communities[c]
    const pick = (i * 0.6180339887) % 1
    let acc = 0
    const kind = MIX.find(([, share]) => (acc += share) > pick)?.[0] ?? 'post'
    const client = clients[u]
    const target = recent[c][Math.floor(((i * 2654435761) % 4294967296) / 4294967296 * recent[c].length)]
    const r = { kind, scheduled, seq: nextSeq++ }
    requests.push(r)
    const send = kind === 'post'
      ? client.post(`/api/communities/${community.slug}/posts`, { title: `Bench post ${r.seq} ${TAG}`, body: `Post ${r.seq} of the pipeline benchmark, about compilers and space.`, tags: ['bench'] })
      : kind === 'reply'
        ? client.post(`/api/posts/${target}/replies`, { body: `Reply ${r.seq} of the benchmark` })
        : kind === 'reaction'
          ? client.post(`/api/posts/${target}/reactions`, { kind: ['like', 'love', 'laugh', 'wow'][i % 4] })
          : kind === 'share'
            ? client.post(`/api/posts/${target}/shares`, { target: { type: 'link' } })
            : client.post(`/api/rooms/community:${community.id}/messages`, { body: `Chat ${r.seq} of the benchmark` })
    inFlight.push(send.then((res) => {
      r.answered = now()
      r.status = res.status
      if (kind === 'post' && res.status === 201) {
        r.id = res.json.id
        recent[c].push(r.id)
        if (recent[c].length > 50) recent[c].shift()
      }
    }, (error) => {
      r.answered = now()
      r.status = `error ${error.message}`
    }))
  }
  const sendEnd = now()
  await Promise.all(inFlight)
  clearInterval(sampler)
  lagSamples.push({ at: now(), lag: await lags(admin) })
  clearInterval(lagSampler)
  const window = (now() - t0) / 1000
  const cpu = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, ((cpuOf(pid) - cpu0[k]) / window) * 100]))
  // Where each new post went, from its scheduled send: the persister's record, Redis, Elasticsearch, a socket.
  const posts = requests.filter(r => r.id)
  const deadline = now() + 30_000
  const seen = { redis: new Map(), es: new Map() }
  while (now() < deadline && posts.some(p => !seen.redis.has(p.id) || !seen.es.has(p.id))) {
    const missing = posts.filter(p => !seen.redis.has(p.id)).slice(0, 1000)
    if (missing.length) (await redis.mget(missing.map(p => `post:${p.id}`))).forEach((v, i) => v !== null && seen.redis.set(missing[i].id, now()))
    const unindexed = posts.filter(p => !seen.es.has(p.id)).slice(0, 1000)
    if (unindexed.length) (await elastic.mget({ index: `${PREFIX}posts`, ids: unindexed.map(p => p.id), _source: false }).catch(() => ({ docs: [] }))).docs.forEach((d, i) => d.found && seen.es.set(unindexed[i].id, now()))
    await sleep(100)
  }
  // The watcher above looks late for posts already there: Redis and ES latencies are upper bounds.
  const records = new Map((await mongo.collection('events').find({ 'type': 'c18n.post.created', 'data.id': { $in: posts.map(p => p.id) } }, { projection: { recordedAt: 1, data: 1 } }).toArray()).map(e => [e.data.id, Date.parse(e.recordedAt)]))
  const latency = (list, at) => {
    const values = list.map(r => at(r) - r.scheduled).filter(Number.isFinite)
    return { p50: pct(values, 50), p99: pct(values, 99), n: values.length }
  }
  const firstLag = lagSamples.find(s => s.lag && s.at >= t0 + WARMUP * 1000)?.lag ?? lagSamples[0].lag
  const lastLag = lagSamples.at(-1).lag
  // Flat lag: each group ends the window no more than a second of arrivals behind where it was after the warm-up.
  const flat = Object.keys(JOBS).every(job => lastLag[job] - firstLag[job] <= rate)
  const statuses = {}
  for (const r of requests) statuses[r.status] = (statuses[r.status] ?? 0) + 1
  const measured = requests.filter(r => r.scheduled >= t0 + WARMUP * 1000)
  return {
    rate, seconds, achievedSendRate: total / ((sendEnd - t0) / 1000), statuses,
    api: latency(measured, r => r.answered),
    mongodb: latency(posts, p => records.get(p.id)),
    redis: latency(posts, p => seen.redis.get(p.id)),
    elasticsearch: latency(posts, p => seen.es.get(p.id)),
    websocket: latency(posts.filter(p => ws.arrivals.has(p.seq)), p => ws.arrivals.get(p.seq)),
    websocketMissing: posts.filter(p => !ws.arrivals.has(p.seq)).length,
    lagStart: firstLag, lagEnd: lastLag, flat,
    cpuPercentOfOneCore: Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Math.round(v)])),
    peakRssMiB: { app: Math.round(rss.app / 2 ** 20), worker: Math.round(rss.worker / 2 ** 20) },
    loadAverage: os.loadavg().map(v => +v.toFixed(2)),
  }
}

/** Another user's open page: one socket subscribed to every community's posts room. */
async function openWatcher(base, client, fixture) {
  const arrivals = new Map()
  const socket = new WebSocket(`${base.replace('http', 'ws')}/_live`, { headers: { cookie: client.cookieHeader(), origin: base } })
  await new Promise((resolve, reject) => {
    socket.onopen = resolve
    socket.onerror = () => reject(new Error('the websocket did not open'))
  })
  let subscribed = 0
  const ready = new Promise((resolve) => {
    socket.onmessage = (message) => {
      const frame = JSON.parse(String(message.data))
      if (frame.type === 'subscribed' && ++subscribed === fixture.communities.length) resolve()
      if (frame.type === 'event' && frame.kind === 'post.created') {
        const match = /^Bench post (\d+) /.exec(frame.payload?.title ?? '')
        if (match && !arrivals.has(Number(match[1]))) arrivals.set(Number(match[1]), now())
      }
    }
  })
  for (const c of fixture.communities) socket.send(JSON.stringify({ type: 'subscribe', room: `posts:${c.id}` }))
  await ready
  return { arrivals, close: () => socket.close() }
}

async function main() {
  const env0 = stackEnv()
  if (!existsSync(join(ROOT, '.output/worker/index.mjs'))) throw new Error('the app is not built: run `npm run build` first')
  run.tmp = mkdtempSync(join(os.tmpdir(), 'c18n-bench-'))
  cpSync(join(ROOT, '.output'), join(run.tmp, 'output'), { recursive: true })
  symlinkSync(join(ROOT, 'node_modules'), join(run.tmp, 'output/node_modules'))
  symlinkSync(join(ROOT, 'node_modules'), join(run.tmp, 'node_modules'))
  await build({ entryPoints: [join(ROOT, 'tests/bench/fixture.ts')], outfile: join(run.tmp, 'fixture.mjs'), bundle: true, platform: 'node', format: 'esm', target: 'node24', packages: 'external', logLevel: 'warning' })
  process.env.C18N_TOPIC_NAMESPACE = NS
  const { KafkaEventBus, prepare } = await import(join(run.tmp, 'fixture.mjs'))
  const brokers = env0.KAFKA_BROKERS.split(',')

  // 1 and 2: the bus alone, raw and through the adapter, on the same recorded events.
  const events = recordedEvents(RAW_EVENTS, COMMUNITIES)
  log(`${events.length} recorded events of ${Math.round(events.reduce((s, e) => s + e.value.length, 0) / events.length)} bytes on average`)
  const raw = await rawBaseline(brokers, events)
  log(`raw kafkajs: ${f0(raw.rate)} events/s through ${Object.keys(JOBS).length} groups (produced at ${f0(raw.produceRate)}/s)`)
  const adapter = await adapterBaseline(KafkaEventBus, brokers, events)
  log(`c18n adapter: ${f0(adapter.rate)} events/s through ${Object.keys(JOBS).length} groups (produced at ${f0(adapter.produceRate)}/s)`)
  if (args['baselines-only']) {
    console.log(`raw kafkajs ${f0(raw.rate)} events/s; c18n adapter ${f0(adapter.rate)} events/s (${f0((adapter.rate / raw.rate) * 100)}% of raw); load average ${os.loadavg().map(v => v.toFixed(2)).join(' ')}`)
    return
  }

  // 3: the pipeline.
  const redis = new Redis(`${env0.REDIS_URL}/${REDIS_DB}`)
  if (await redis.dbsize()) throw new Error(`Redis database ${REDIS_DB} is not empty: set BENCH_REDIS_DB to an unused one`)
  run.closers.push(() => redis.flushdb().finally(() => redis.disconnect()))
  const mongoUrl = new URL(env0.MONGODB_URI)
  mongoUrl.pathname = `/${DB}`
  const mongoClient = new MongoClient(mongoUrl.toString())
  run.closers.push(() => mongoClient.db(DB).dropDatabase().finally(() => mongoClient.close()))
  const elastic = new Elastic({ node: env0.ELASTICSEARCH_URL })
  run.closers.push(async () => {
    const names = Object.keys(await elastic.indices.get({ index: `${PREFIX}*`, expand_wildcards: 'all' }))
    if (names.length) await elastic.indices.delete({ index: names.join(',') })
    await elastic.close()
  })
  const kafka = new Kafka({ clientId: 'bench-admin', brokers, logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  run.closers.push(() => admin.disconnect())

  const [port, healthPort] = [await freePort(), await freePort()]
  const base = `http://127.0.0.1:${port}`
  const env = {
    ...process.env, ...env0, MONGODB_URI: mongoUrl.toString(), ELASTICSEARCH_INDEX_PREFIX: PREFIX, REDIS_URL: `${env0.REDIS_URL}/${REDIS_DB}`,
    PORT: String(port), HOST: '127.0.0.1', AUTH_ORIGIN: `${base}/api/auth`, AUTH_SECRET: 'bench', C18N_SEED: 'false',
    C18N_RATE_LIMIT_WRITES: '0', C18N_RATE_LIMIT_WRITES_IP: '0', C18N_RATE_LIMIT_SIGNIN: '0', C18N_RATE_LIMIT_SIGNIN_IP: '0', C18N_RATE_LIMIT_FRAMES: '0', C18N_RATE_LIMIT_FRAMES_IP: '0',
    C18N_DATA_DIR: join(run.tmp, 'data'), C18N_RUN_CONSUMERS: 'false', C18N_TOPIC_NAMESPACE: NS, WORKER_HEALTH_PORT: String(healthPort),
  }
  const profile = process.env.BENCH_CPU_PROF ? [`--cpu-prof`, `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  const worker = start('worker', join(run.tmp, 'output/worker/index.mjs'), env, profile)
  await waitFor('the worker answering /health', async () => (await fetch(`http://127.0.0.1:${healthPort}/health`)).ok)
  await waitFor('the consumer groups getting their partitions', async () => (await admin.describeGroups(Object.keys(JOBS).map(j => `${NS}.${j}`))).groups.every(g => g.state === 'Stable'))
  const app = start('app', join(run.tmp, 'output/server/index.mjs'), env, profile)
  await waitFor('the app answering /api/health', async () => (await fetch(`${base}/api/health`)).ok)
  const fixture = await prepare({ dataDir: join(run.tmp, 'fixture'), kafkaBrokers: brokers, mongoUri: mongoUrl.toString(), redisUrl: `${env0.REDIS_URL}/${REDIS_DB}`, elasticsearchUrl: env0.ELASTICSEARCH_URL, searchPrefix: PREFIX, s3: { endpoint: env0.S3_ENDPOINT, accessKey: env0.S3_ACCESS_KEY, secretKey: env0.S3_SECRET_KEY, bucket: env0.S3_BUCKET ?? 'c18n' } }, { users: USERS, communities: COMMUNITIES, tag: TAG, perUser: 3 })
  log(`${fixture.users.length} users in ${fixture.communities.length} communities`)
  const clients = []
  for (let i = 0; i < fixture.users.length; i += 10) clients.push(...await Promise.all(fixture.users.slice(i, i + 10).map(u => apiClient(base).signIn(u.handle))))
  const watcher = await openWatcher(base, await apiClient(base).signIn(fixture.users.at(-1).handle), fixture)
  run.closers.push(() => watcher.close())
  const pids = { app: app.child.pid, worker: worker.child.pid }
  // The stack's own processes, when their pid files are at hand (BENCH_STACK_RUN, default .data/stack/run).
  const stackRun = process.env.BENCH_STACK_RUN ?? join(ROOT, '.data/stack/run')
  for (const svc of ['kafka', 'elasticsearch', 'ferretdb', 'postgres', 'redis']) {
    try { pids[svc] = Number(readFileSync(join(stackRun, `${svc}.pid`), 'utf8')) }
    catch { /* not ours to know */ }
  }

  const windows = []
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const rate of RATES) {
      await waitFor('the pipeline going quiet', async () => Object.values(await lags(admin)).every(l => l === 0), QUIET_MS).catch(() => log(`the pipeline did not go quiet within ${QUIET_MS / 1000} s: measuring on top of the backlog`))
      const w = await openLoop({ rate, seconds: WARMUP + SECONDS, clients, fixture, ws: watcher, admin, pids, mongo: mongoClient.db(DB), redis, elastic })
      windows.push({ repeat, ...w })
      log(`repeat ${repeat + 1}, ${rate}/s: sent at ${f0(w.achievedSendRate)}/s, HTTP ${JSON.stringify(w.statuses)}, API p50/p99 ${f0(w.api.p50)}/${f0(w.api.p99)} ms, websocket p99 ${f0(w.websocket.p99)} ms, lag ${w.flat ? 'flat' : 'growing'} (${JSON.stringify(w.lagEnd)}), load ${w.loadAverage.join(' ')}`)
    }
  }
  report({ raw, adapter, windows })
}

function report({ raw, adapter, windows }) {
  const byRate = RATES.map((rate) => {
    const ws = windows.filter(w => w.rate === rate)
    const m = pick => median(ws.map(pick))
    return {
      rate, flat: ws.filter(w => w.flat).length > ws.length / 2,
      api: [m(w => w.api.p50), m(w => w.api.p99)], mongodb: [m(w => w.mongodb.p50), m(w => w.mongodb.p99)], redis: [m(w => w.redis.p50), m(w => w.redis.p99)],
      elasticsearch: [m(w => w.elasticsearch.p50), m(w => w.elasticsearch.p99)], websocket: [m(w => w.websocket.p50), m(w => w.websocket.p99)],
      lag: Object.fromEntries(Object.keys(JOBS).map(job => [job, m(w => w.lagEnd[job])])),
      cpu: Object.fromEntries(Object.keys(ws[0]?.cpuPercentOfOneCore ?? {}).map(k => [k, m(w => w.cpuPercentOfOneCore[k])])),
      rss: { app: m(w => w.peakRssMiB.app), worker: m(w => w.peakRssMiB.worker) },
      load: ws.map(w => w.loadAverage[0]),
      errors: ws.reduce((n, w) => n + Object.entries(w.statuses).filter(([s]) => !/^20[01]$|^409$/.test(s)).reduce((a, [, c]) => a + c, 0), 0),
    }
  })
  const cpus = os.cpus()
  console.log(`\nc18n pipeline bench, ${cpus.length} × ${cpus[0]?.model}, Node ${process.version}; ${USERS} users, ${COMMUNITIES} communities; ${REPEATS} interleaved repeats of ${WARMUP} + ${SECONDS} s per rate, medians`)
  console.log(`raw kafkajs ${f0(raw.rate)} events/s; c18n adapter ${f0(adapter.rate)} events/s (${f0((adapter.rate / raw.rate) * 100)}% of raw)`)
  const cell = ([a, b]) => ` ${`${f0(a)}/${f0(b)}`.padStart(12)}`
  console.log(`${'rate/s'.padEnd(8)}${'lag'.padEnd(8)}${['API', 'MongoDB', 'Redis', 'ES', 'websocket'].map(h => ` ${h.padStart(12)}`).join('')}  (p50/p99 ms from the scheduled send)  CPU% app/worker, RSS MiB app/worker, load, errors`)
  for (const r of byRate) console.log(`${String(r.rate).padEnd(8)}${(r.flat ? 'flat' : 'grows').padEnd(8)}${cell(r.api)}${cell(r.mongodb)}${cell(r.redis)}${cell(r.elasticsearch)}${cell(r.websocket)}  ${f0(r.cpu.app)}/${f0(r.cpu.worker)}, ${f0(r.rss.app)}/${f0(r.rss.worker)}, ${r.load.join(' ')}, ${r.errors}`)
  for (const r of byRate) console.log(`  ${r.rate}/s: lag at the end ${Object.entries(r.lag).map(([job, l]) => `${job} ${f0(l)}`).join(', ')}; CPU % of a core ${Object.entries(r.cpu).map(([k, v]) => `${k} ${f0(v)}`).join(', ')}`)
  mkdirSync(join(ROOT, '.data/bench'), { recursive: true })
  const file = join(ROOT, `.data/bench/pipeline-${TAG}.json`)
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), raw, adapter, byRate, windows }, null, 2)}\n`)
  console.log(`JSON: ${file}; load average now ${os.loadavg().map(v => v.toFixed(2)).join(' ')}`)
  const sustained = Math.max(0, ...byRate.filter(r => r.flat && r.errors === 0).map(r => r.rate))
  const at = (rate, key) => byRate.find(r => r.rate === rate)?.[key]?.[1]
  console.log(`pipeline: sustained ${sustained} events/s; API p99 ${f0(at(1000, 'api'))} ms at 1000/s; websocket p99 ${f0(at(200, 'websocket'))} ms at 200/s; adapter ${f0((adapter.rate / raw.rate) * 100)}% and pipeline ${f0((sustained / raw.rate) * 100)}% of raw kafkajs`)
}

async function cleanup() {
  if (run.cleaned) return
  run.cleaned = true
  await Promise.all(run.procs.map(({ child }) => new Promise((done) => {
    if (child.exitCode !== null || child.signalCode) return done()
    child.once('exit', done)
    child.kill('SIGTERM')
    // The worker writes its CPU profile (BENCH_CPU_PROF) as it exits: give it time.
    setTimeout(() => child.kill('SIGKILL'), 30_000).unref()
  })))
  for (const close of run.closers.reverse()) await Promise.resolve().then(close).catch(e => log(`cleanup: ${e.message}`))
  if (run.tmp && !process.env.BENCH_KEEP) rmSync(run.tmp, { recursive: true, force: true })
}

async function fail(message) {
  console.error(`[bench] FAILED: ${message}`)
  await cleanup()
  process.exit(1)
}

process.on('unhandledRejection', error => fail(`unexpected: ${error?.stack ?? error}`))
process.once('SIGINT', () => fail('interrupted'))
process.once('SIGTERM', () => fail('terminated'))
main().then(cleanup).then(() => process.exit(0), error => fail(error.stack ?? error.message))
