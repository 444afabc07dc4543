// Event-pipeline benchmark on the real local stack: N posts through the API, then how long each took to
// show up in MongoDB, Redis and Elasticsearch, each consumer group's rate and the worker's memory.
//
//   node tests/bench/pipeline.mjs        (env: BENCH_EVENTS=2000 BENCH_CONCURRENCY=16 BENCH_COMMUNITIES=1)
//
// Plain JavaScript on purpose: Node's type stripping rejects the repo's TS parameter properties, and this
// script only needs HTTP and the drivers. It runs the *built* app and worker (`npm run build` first).
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { Client as Elastic } from '@elastic/elasticsearch'
import { Redis } from 'ioredis'
import { Kafka, logLevel } from 'kafkajs'
import { MongoClient } from 'mongodb'

const ROOT = resolve(import.meta.dirname, '../..')
const N = Number(process.env.BENCH_EVENTS ?? 2000)
const C = Number(process.env.BENCH_CONCURRENCY ?? 16)
// Posts are keyed by community, so one community means one Kafka partition: every group handles them in series.
const COMMUNITIES = Number(process.env.BENCH_COMMUNITIES ?? 1)
// The bench owns one Redis database outright, so it can check it is unused and empty it afterwards.
const REDIS_DB = Number(process.env.BENCH_REDIS_DB ?? 14)
const LIMIT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 10 * 60_000)
// Each consumer group and its topics, as workers/consumers.ts subscribes them.
// Topics and consumer groups of the run's own (C18N_TOPIC_NAMESPACE): nothing left on the broker by
// earlier runs or other apps reaches this one, and nothing of this run reaches them.
const NS = `c18n-bench${Date.now().toString(36)}`
const JOBS = {
  'persister': ['users', 'groups', 'communities', 'memberships', 'posts', 'reactions', 'shares', 'messages', 'suggestions'],
  'cacher': ['users', 'posts', 'reactions', 'shares'],
  'indexer': ['users', 'communities', 'posts', 'messages'],
  'notifier': ['posts', 'reactions', 'shares'],
  'live': ['messages'],
  'live-posts': ['posts', 'reactions', 'shares'],
  // Not the suggester: it joins at the end of the topics and commits nothing for quiet partitions,
  // so its lag cannot be read from offsets; it does not make posts visible anyway.
}
const TOPICS = Object.fromEntries(Object.entries(JOBS).map(([job, topics]) => [`${NS}.${job}`, topics.map(t => `${NS}.${t}`)]))
const GROUPS = Object.keys(TOPICS)
const POSTS_TOPIC = `${NS}.posts`
const USERS = ['grace', 'alan', 'katherine', 'ada']
const ts = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
const DB = `c18n-bench-${ts}`
const PREFIX = `c18n-bench-${ts}-`
const now = () => performance.timeOrigin + performance.now() // epoch ms, comparable with the events' ISO times
const log = line => console.error(`[bench] ${line}`)

// kafkajs schedules a negative timeout on Node 24; the warning says nothing about the bench.
process.removeAllListeners('warning')
process.on('warning', w => w.name === 'TimeoutNegativeWarning' || console.error(w))

const run = { procs: [], tmp: null, mongo: null, redis: null, elastic: null, admin: null, failed: false, cleaned: false }
const abortTimer = setTimeout(() => fail(`aborted: the run took longer than ${LIMIT_MS / 1000} s (BENCH_TIMEOUT_MS)`), LIMIT_MS)

async function fail(message) {
  if (run.failed) return // the cleanup below makes pending calls fail too: report the first cause only
  run.failed = true
  console.error(`[bench] FAILED: ${message}`)
  for (const p of run.procs) console.error(`--- last lines of ${p.name} (${p.logPath}):\n${tail(p.logPath)}`)
  await cleanup()
  process.exit(1)
}
const tail = path => (existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-15).join('\n') : '')

// ------------------------------------------------------------------------------------------ setup

function stackEnv() {
  execFileSync('bash', ['infra/stack.sh', 'up'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] })
  const env = Object.fromEntries(readFileSync(join(ROOT, '.data/stack/env'), 'utf8').split('\n')
    .map(l => l.match(/^export (\w+)=(.*)$/)).filter(Boolean).map(m => [m[1], m[2]]))
  for (const k of ['KAFKA_BROKERS', 'MONGODB_URI', 'REDIS_URL', 'ELASTICSEARCH_URL', 'S3_ENDPOINT']) {
    if (!/^(\w+:\/\/)?127\.0\.0\.1[:/]/.test(env[k] ?? '')) throw new Error(`${k}=${env[k]} is not on 127.0.0.1; the bench only talks to the local stack`)
  }
  return env
}

const freePort = () => new Promise((done, reject) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address()
    s.close(() => done(port))
  }).on('error', reject)
})

function start(name, entry, env) {
  const logPath = join(run.tmp, `${name}.log`)
  const child = spawn(process.execPath, [entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const out = createWriteStream(logPath)
  child.stdout.pipe(out)
  child.stderr.pipe(out)
  const proc = { name, child, logPath }
  run.procs.push(proc)
  child.once('close', (code) => { if (!run.cleaned) out.end(() => fail(`${name} exited with ${code}`)) })
  return proc
}

async function waitFor(what, check, ms = 120_000) {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(200)) {
    if (await check().catch(() => false)) return
  }
  throw new Error(`${what} did not happen within ${ms / 1000} s`)
}

/** One user's cookies, as a browser keeps them (tests/support/client.ts, without its TS syntax). */
function apiClient(base) {
  const cookies = new Map()
  const call = async (method, path, body, type = 'application/json') => {
    const res = await fetch(base + path, { method, redirect: 'manual', body, headers: { 'content-type': type, 'origin': base, 'cookie': [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })
    for (const [, k, v] of res.headers.getSetCookie().map(line => line.match(/^([^=]+)=([^;]*)/))) cookies.set(k, v)
    const text = await res.text()
    let json = null
    try { json = JSON.parse(text) }
    catch { /* not JSON */ }
    return { status: res.status, json, text }
  }
  return {
    post: (path, body = {}) => call('POST', path, JSON.stringify(body)),
    async signIn(handle) {
      const { json: { csrfToken } } = await call('GET', '/api/auth/csrf')
      const answer = await call('POST', '/api/auth/callback/credentials', new URLSearchParams({ csrfToken, handle, password: 'c18n-demo', json: 'true' }).toString(), 'application/x-www-form-urlencoded')
      if ((await call('GET', '/api/auth/session')).json?.user?.handle !== handle) throw new Error(`sign-in as ${handle} failed: ${answer.status} ${answer.text.slice(0, 200)}`)
      return this
    },
  }
}

/** Each group's committed offset summed over the posts topic's partitions (a group with none counts 0). */
async function committed() {
  const out = {}
  for (const groupId of GROUPS) {
    const [t] = await run.admin.fetchOffsets({ groupId, topics: [POSTS_TOPIC] })
    out[groupId] = (t?.partitions ?? []).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0)
  }
  return out
}
/** Events on the bus that a group has not committed yet, over all its topics. */
async function lag(groupId) {
  let behind = 0
  for (const { topic, partitions } of await run.admin.fetchOffsets({ groupId, topics: TOPICS[groupId] })) {
    const ends = await run.admin.fetchTopicOffsets(topic)
    for (const p of partitions) behind += Number(ends.find(e => e.partition === p.partition).high) - Math.max(0, Number(p.offset))
  }
  return behind
}
const totalLag = async () => (await Promise.all(GROUPS.map(lag))).reduce((a, b) => a + b, 0)
const postsEnd = async () => (await run.admin.fetchTopicOffsets(POSTS_TOPIC)).reduce((s, p) => s + Number(p.high), 0)

// ------------------------------------------------------------------------------------------ measure

const pct = (values, p) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)] ?? NaN
const stats = values => ({ n: values.length, p50: pct(values, 50), p95: pct(values, 95), p99: pct(values, 99), max: values.length ? Math.max(...values) : NaN })
/**
 * CPU seconds a process and its live children (PostgreSQL's backends) have used so far: where the time
 * went when the machine is the limit. After the command in /proc/<pid>/stat: [1] ppid, [11] utime, [12] stime.
 */
function cpuOf(pid) {
  let ticks = 0
  for (const entry of readdirSync('/proc').filter(e => /^\d+$/.test(e))) {
    const f = (() => {
      try { return readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ') }
      catch { return null } // gone meanwhile
    })()
    if (f && (Number(entry) === pid || Number(f[1]) === pid)) ticks += Number(f[11]) + Number(f[12])
  }
  return ticks / 100
}
const rssOf = pid => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) * 1024

/**
 * Polls every post not yet seen in one store, oldest first, as one batched request per round: the cost
 * of watching stays flat however many posts are in flight, and the store is not hammered.
 */
async function watch(name, posts, lookup, until) {
  for (;;) {
    const waiting = posts.filter(p => p.id && p.seen[name] === undefined).slice(0, 1000)
    if (!waiting.length && until()) return
    if (waiting.length) {
      const found = await lookup(waiting.map(p => p.id)).catch(() => []) // e.g. the index not created yet
      const at = now()
      waiting.forEach((p, i) => { if (found[i]) p.seen[name] = at })
    }
    await sleep(25)
  }
}

async function main() {
  const env0 = stackEnv()
  run.tmp = mkdtempSync(join(os.tmpdir(), 'c18n-bench-'))
  // A private copy of the build, so that the lead's rebuilds cannot swap it mid-run; the worker bundle
  // keeps its packages external, hence the link to the project's node_modules beside it.
  if (!existsSync(join(ROOT, '.output/worker/index.mjs'))) throw new Error('the app is not built: run `npm run build` first')
  cpSync(join(ROOT, '.output'), join(run.tmp, 'output'), { recursive: true })
  symlinkSync(join(ROOT, 'node_modules'), join(run.tmp, 'output/node_modules'))

  const kafka = new Kafka({ clientId: 'c18n-bench', brokers: env0.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING })
  run.admin = kafka.admin()
  await run.admin.connect()
  // The topics and group names are not namespaced: a second c18n worker would share partitions with ours
  // and persist our events into its own database. Refuse rather than measure that.
  const { groups } = await run.admin.describeGroups(GROUPS)
  const busy = groups.filter(g => g.members.length)
  if (busy.length) throw new Error(`another process consumes as ${busy.map(g => g.groupId).join(', ')} (topics and groups are shared on the stack); stop it and run again`)
  const redis = new Redis(`${env0.REDIS_URL}/${REDIS_DB}`)
  if (await redis.dbsize()) {
    redis.disconnect()
    throw new Error(`Redis database ${REDIS_DB} is not empty (another bench running, or in use): set BENCH_REDIS_DB to an unused one`)
  }
  run.redis = redis // from here on it is ours, and emptied at the end
  const mongoUrl = new URL(env0.MONGODB_URI)
  mongoUrl.pathname = `/${DB}`
  run.mongo = new MongoClient(mongoUrl.toString())
  run.elastic = new Elastic({ node: env0.ELASTICSEARCH_URL })

  const [port, healthPort] = [await freePort(), await freePort()]
  const base = `http://127.0.0.1:${port}`
  const env = {
    ...process.env, ...env0, MONGODB_URI: mongoUrl.toString(), ELASTICSEARCH_INDEX_PREFIX: PREFIX, REDIS_URL: `${env0.REDIS_URL}/${REDIS_DB}`,
    PORT: String(port), HOST: '127.0.0.1', AUTH_ORIGIN: `${base}/api/auth`, AUTH_SECRET: 'bench',
    // A benchmark posts thousands of writes as a few users: the write limits would only throttle it.
    C18N_RATE_LIMIT_WRITES: '0', C18N_RATE_LIMIT_WRITES_IP: '0',
    // The seed writes everything at once and the persister takes one event at a time: the default 10 s wait
    // for each write's outcome is not enough on a slow machine.
    C18N_WRITE_TIMEOUT_MS: process.env.C18N_WRITE_TIMEOUT_MS ?? '120000',
    C18N_DATA_DIR: join(run.tmp, 'data'), C18N_RUN_CONSUMERS: 'false', C18N_TOPIC_NAMESPACE: NS, WORKER_HEALTH_PORT: String(healthPort),
  }
  // The worker first: the app's demo seed goes through the bus and waits for the persister.
  const worker = start('worker', join(run.tmp, 'output/worker/index.mjs'), env)
  await waitFor('the worker answering /health', async () => (await fetch(`http://127.0.0.1:${healthPort}/health`)).ok)
  // /health answers once the consumers are subscribed, not once Kafka has given them partitions; a write
  // before that waits out the rebalance and the app's seed gives up after C18N_WRITE_TIMEOUT_MS.
  await waitFor('the consumer groups getting their partitions', async () => (await run.admin.describeGroups(GROUPS)).groups.every(g => g.state === 'Stable' && g.members.length))
  // Topics and groups are shared by every c18n on this Kafka: events that an earlier (killed) run published but
  // never consumed are replayed now, into our database. Let them pass before anything is measured.
  const backlog = await totalLag()
  if (backlog) log(`the consumer groups first work through ${backlog} events left on the bus by earlier runs`)
  await waitFor('the consumer groups working through the backlog', async () => (await totalLag()) === 0, LIMIT_MS)
  const app = start('app', join(run.tmp, 'output/server/index.mjs'), env)
  await waitFor('the app answering /api/health', async () => (await fetch(`${base}/api/health`)).ok)
  await waitFor('the demo seed', async () => (await (await fetch(`${base}/api/communities`)).json()).items?.length > 0)
  log(`app ${base} and worker up (db ${DB}, index prefix ${PREFIX}, redis db ${REDIS_DB})`)

  const clients = await Promise.all(USERS.map(h => apiClient(base).signIn(h)))
  const slugs = []
  for (let i = 0; i < COMMUNITIES; i++) {
    const slug = `bench-${ts}-${i}`
    const made = await clients[0].post('/api/communities', { name: `Bench ${ts} ${i}`, slug, description: 'pipeline benchmark', topics: ['bench'] })
    if (made.status !== 201) throw new Error(`creating ${slug}: ${made.status} ${made.text}`)
    for (const c of clients.slice(1)) {
      const joined = await c.post(`/api/communities/${slug}/join`)
      if (joined.status !== 200) throw new Error(`joining ${slug}: ${joined.status} ${joined.text}`)
    }
    slugs.push(slug)
  }
  // Start from a quiet pipeline, so that the seed's tail is not counted in the run.
  await waitFor('the consumer groups catching up with the seed', async () => (await totalLag()) === 0)
  const before = await committed()

  const pids = { worker: worker.child.pid, app: app.child.pid }
  for (const svc of ['kafka', 'elasticsearch', 'ferretdb', 'postgres', 'redis']) {
    try { pids[svc] = Number(readFileSync(join(ROOT, `.data/stack/run/${svc}.pid`), 'utf8')) }
    catch { /* not ours to know */ }
  }
  const cpuBefore = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuOf(pid)]))
  const rss = { worker: 0, app: 0 }
  const sampler = setInterval(() => {
    try {
      rss.worker = Math.max(rss.worker, rssOf(worker.child.pid))
      rss.app = Math.max(rss.app, rssOf(app.child.pid))
    }
    catch { /* exiting */ }
  }, 100)
  const groupDone = {}
  let target = Infinity
  let loading = true
  const offsetsWatcher = (async () => {
    while (loading && Object.keys(groupDone).length < GROUPS.length) {
      const offs = await committed().catch(() => ({})) // a blip of the broker: try again next round
      for (const g of GROUPS) if (!groupDone[g] && offs[g] >= target) groupDone[g] = now()
      await sleep(100)
    }
  })()

  // The load: C loops share one counter; post i is written by USERS[i % 4] in community i % COMMUNITIES.
  const posts = Array.from({ length: N }, () => ({ seen: {} }))
  const index = `${PREFIX}posts`
  const finished = () => !loading // the watchers stop once the drain below has seen everything
  const watchers = [
    watch('redis', posts, async ids => (await run.redis.mget(ids.map(id => `post:${id}`))).map(v => v !== null), finished),
    // realtime GET sees a document as soon as it is indexed; realtime:false only once a refresh made it searchable.
    watch('esIndexed', posts, async ids => (await run.elastic.mget({ index, ids, _source: false })).docs.map(d => d.found), finished),
    watch('esSearchable', posts, async ids => (await run.elastic.mget({ index, ids, _source: false, realtime: false })).docs.map(d => d.found), finished),
  ]
  const statuses = {}
  let next = 0
  const t0 = now()
  // A line every 10 s: a run that slows down as the data grows shows it here, long before the end.
  let shown = 0
  const progress = setInterval(async () => {
    const done = posts.filter(p => p.accepted)
    const recent = done.slice(shown).map(p => p.accepted - p.start)
    shown = done.length
    const end = await postsEnd().catch(() => NaN)
    const offs = await committed().catch(() => ({}))
    log(`${((now() - t0) / 1000).toFixed(0)} s: ${done.length}/${N} answered (${(recent.length / 10).toFixed(1)}/s, p50 ${pct(recent, 50)?.toFixed(0)} ms); lag ${GROUPS.map(g => `${g.slice(NS.length + 1)} ${end - offs[g]}`).join(', ')}`)
  }, 10_000)
  await Promise.all(Array.from({ length: C }, async () => {
    for (let i = next++; i < N; i = next++) {
      const p = posts[i]
      p.start = now()
      const res = await clients[i % USERS.length].post(`/api/communities/${slugs[i % COMMUNITIES]}/posts`, { title: `Bench post ${i}`, body: `Post ${i} of the pipeline benchmark, about compilers and space.`, tags: ['bench'] })
      p.accepted = now()
      statuses[res.status] = (statuses[res.status] ?? 0) + 1
      if (res.status === 201) p.id = res.json.id
    }
  }))
  const t1 = now()
  target = await postsEnd()
  const ok = posts.filter(p => p.id)
  log(`load done: ${ok.length}/${N} accepted in ${((t1 - t0) / 1000).toFixed(1)} s; waiting for the consumers`)
  // A post that never arrives is reported as missing rather than waited for until the global limit.
  const drainUntil = now() + Number(process.env.BENCH_DRAIN_MS ?? 120_000)
  while ((ok.some(p => Object.keys(p.seen).length < 3) || Object.keys(groupDone).length < GROUPS.length) && now() < drainUntil) await sleep(100)
  loading = false
  clearInterval(progress)
  await Promise.all([...watchers, offsetsWatcher])
  clearInterval(sampler)
  const window = (now() - t0) / 1000
  const cpu = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, +(((cpuOf(pid) - cpuBefore[k]) / window) * 100).toFixed(0)]))
  // Another c18n joining our groups mid-run would have taken partitions and events: say so.
  const intruders = (await run.admin.describeGroups(GROUPS)).groups.filter(g => g.members.length > 1).map(g => g.groupId)
  const hwm = Number(readFileSync(`/proc/${worker.child.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+)/)?.[1] ?? 0) * 1024

  // The persister's own record: `time` is when the API published, `recordedAt` its commit point (the post
  // is in `posts` just before), so MongoDB needs no polling: the API answers only once it is there.
  const db = run.mongo.db(DB)
  const byId = new Map(ok.map(p => [p.id, p]))
  for (const e of await db.collection('events').find({ type: 'c18n.post.created' }, { projection: { time: 1, recordedAt: 1, data: 1 } }).toArray()) {
    const p = byId.get(String(e.data.id))
    if (p) Object.assign(p, { published: Date.parse(e.time), recorded: Date.parse(e.recordedAt) })
  }
  const inPosts = await db.collection('posts').countDocuments({ _id: { $in: [...byId.keys()] } })

  const lat = key => stats(ok.filter(p => p.seen[key] ?? p[key]).map(p => (p.seen[key] ?? p[key]) - p.start))
  const processed = Object.fromEntries(GROUPS.map(g => [g, { events: target - before[g], seconds: (groupDone[g] - t0) / 1000 }]))
  const cpus = os.cpus()
  const result = {
    at: new Date().toISOString(),
    machine: { cpu: cpus[0]?.model, cpus: cpus.length, memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1), node: process.version, os: `${os.type()} ${os.release()}` },
    settings: { events: N, concurrency: C, communities: COMMUNITIES, partitions: (await run.admin.fetchTopicOffsets(POSTS_TOPIC)).length },
    api: { statuses, accepted: ok.length, seconds: (t1 - t0) / 1000, eventsPerSecond: ok.length / ((t1 - t0) / 1000), latencyMs: stats(ok.map(p => p.accepted - p.start)) },
    publishToPersistedMs: stats(ok.filter(p => p.recorded).map(p => p.recorded - p.published)),
    endToEndMs: { mongodb: lat('recorded'), redis: lat('redis'), elasticsearchIndexed: lat('esIndexed'), elasticsearchSearchable: lat('esSearchable') },
    groups: Object.fromEntries(Object.entries(processed).map(([g, v]) => [g, { ...v, eventsPerSecond: v.events / v.seconds }])),
    cpuPercentOfOneCore: { window: +window.toFixed(1), ...cpu },
    memory: { workerPeakRssMiB: +(Math.max(rss.worker, hwm) / 2 ** 20).toFixed(1), appPeakRssMiB: +(rss.app / 2 ** 20).toFixed(1) },
    checks: { intruders, postsInMongo: inPosts, missing: { redis: ok.filter(p => !p.seen.redis).length, elasticsearch: ok.filter(p => !p.seen.esSearchable).length } },
  }
  report(result)
  await cleanup()
}

function report(r) {
  const f = v => (Number.isFinite(v) ? Math.round(v).toString() : '-')
  const cells = s => [f(s.p50), f(s.p95), f(s.p99), f(s.max), String(s.n)]
  const rows = [['', 'p50', 'p95', 'p99', 'max', 'n'], ['API answer (ms)', ...cells(r.api.latencyMs)], ['publish → persisted', ...cells(r.publishToPersistedMs)],
    ...Object.entries(r.endToEndMs).map(([k, s]) => [`e2e ${k}`, ...cells(s)])]
  console.log(`\nc18n pipeline bench — ${r.machine.cpus} × ${r.machine.cpu}, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}`)
  console.log(`${r.settings.events} posts, concurrency ${r.settings.concurrency}, ${r.settings.communities} communit${r.settings.communities === 1 ? 'y' : 'ies'} (${r.settings.partitions} partitions on ${POSTS_TOPIC}); HTTP ${JSON.stringify(r.api.statuses)}`)
  console.log(`API accepted: ${r.api.eventsPerSecond.toFixed(1)} events/s (${r.api.accepted} in ${r.api.seconds.toFixed(1)} s)`)
  for (const [g, v] of Object.entries(r.groups)) console.log(`  ${g.padEnd(16)} ${v.eventsPerSecond.toFixed(1).padStart(7)} events/s (${v.events} events, last done ${v.seconds.toFixed(1)} s after start)`)
  for (const row of rows) console.log(row.map((c, i) => (i ? c.padStart(7) : c.padEnd(30))).join(''))
  console.log(`CPU over ${r.cpuPercentOfOneCore.window} s, % of one core: ${Object.entries(r.cpuPercentOfOneCore).filter(([k]) => k !== 'window').map(([k, v]) => `${k} ${v}`).join(', ')}`)
  if (r.checks.intruders.length) console.log(`WARNING: other consumers joined ${r.checks.intruders.join(', ')} during the run: the figures are not trustworthy`)
  console.log(`worker peak RSS ${r.memory.workerPeakRssMiB} MiB, app peak RSS ${r.memory.appPeakRssMiB} MiB; posts in MongoDB ${r.checks.postsInMongo}, never seen: ${JSON.stringify(r.checks.missing)}`)
  mkdirSync(join(ROOT, '.data/bench'), { recursive: true })
  const file = join(ROOT, `.data/bench/pipeline-${ts}.json`)
  writeFileSync(file, `${JSON.stringify(r, null, 2)}\n`)
  console.log(`JSON: ${file}`)
}

async function cleanup() {
  if (run.cleaned) return
  run.cleaned = true
  clearTimeout(abortTimer)
  await Promise.all(run.procs.map(({ child }) => new Promise((done) => {
    if (child.exitCode !== null || child.signalCode) return done()
    child.once('exit', done)
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 5000).unref()
  })))
  const step = async (what, work) => {
    try { await work() }
    catch (e) { log(`cleanup: ${what} failed: ${e.message}`) }
  }
  if (run.mongo) await step(`dropping ${DB}`, () => run.mongo.db(DB).dropDatabase().finally(() => run.mongo.close()))
  // Elasticsearch refuses wildcard deletes by default (action.destructive_requires_name), so name each index.
  if (run.elastic) await step(`deleting ${PREFIX}*`, async () => {
    const names = Object.keys(await run.elastic.indices.get({ index: `${PREFIX}*`, expand_wildcards: 'all' }))
    if (names.length) await run.elastic.indices.delete({ index: names.join(',') })
    await run.elastic.close()
  })
  if (run.redis) await step(`emptying Redis db ${REDIS_DB}`, () => run.redis.flushdb().finally(() => run.redis.disconnect()))
  if (run.admin) await step('closing Kafka admin', () => run.admin.disconnect())
  if (run.tmp) rmSync(run.tmp, { recursive: true, force: true })
}

process.on('unhandledRejection', error => fail(`unexpected: ${error?.stack ?? error}`))
process.once('SIGINT', () => fail('interrupted'))
process.once('SIGTERM', () => fail('terminated'))
main().catch(error => fail(error.stack ?? error.message))
