// Real-time benchmark: K websocket clients spread over R chat rooms, each sending at a set rate,
// against the built c18n app (every message through the event pipeline) and then, with the same
// load on the same machine, against a bare `ws` broadcast server as the reference ceiling.
//
//   npm run bench:realtime   (env: BENCH_CLIENTS=100 BENCH_ROOMS=10 BENCH_RATE=0.5 BENCH_SECONDS=20)
//
// Prints delivered messages/s, send-to-receive latency p50/p95/p99, connections held and server memory.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import WebSocket from 'ws'

const ROOT = resolve(import.meta.dirname, '../..')
const K = Number(process.env.BENCH_CLIENTS ?? 100)
const ROOMS = Number(process.env.BENCH_ROOMS ?? 10)
const RATE = Number(process.env.BENCH_RATE ?? 0.5)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20)
const USERS = Math.min(K, Number(process.env.BENCH_USERS ?? 40))
const log = line => console.error(`[bench] ${line}`)

const freePort = () => new Promise((done, reject) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address()
    s.close(() => done(port))
  }).on('error', reject)
})

function start(entry, env) {
  const child = spawn(process.execPath, [entry], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d) => { output += d })
  child.stderr.on('data', (d) => { output += d })
  child.output = () => output
  return child
}

async function waitFor(what, check, ms = 180_000) {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(200)) {
    if (await check().catch(() => false)) return
  }
  throw new Error(`${what} did not happen within ${ms / 1000} s`)
}

/** Peak resident memory of a process, sampled, and the kernel's own high-water mark. */
function memorySampler(pid) {
  let peak = 0
  const read = field => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+)`))?.[1] ?? 0) * 1024
  const timer = setInterval(() => {
    try { peak = Math.max(peak, read('VmRSS')) }
    catch { /* exited */ }
  }, 200)
  return {
    stop() {
      clearInterval(timer)
      return { peakRss: Math.max(peak, read('VmHWM')), rss: read('VmRSS') }
    },
  }
}

/** One user's session cookie, through the same sign-in the pages use. */
async function signIn(base, handle) {
  const cookies = new Map()
  const call = async (path, init = {}) => {
    const res = await fetch(base + path, { redirect: 'manual', ...init, headers: { ...init.headers, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';')
      cookies.set(pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1))
    }
    return res
  }
  const { csrfToken } = await (await call('/api/auth/csrf')).json()
  await call('/api/auth/callback/credentials', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrfToken, handle, password: 'c18n-demo', json: 'true' }).toString() })
  const header = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  const me = await (await fetch(`${base}/api/me`, { headers: { cookie: header } })).json()
  if (me.handle !== handle) throw new Error(`sign-in as ${handle} failed`)
  return header
}

function connect(url, cookie) {
  return new Promise((done, fail) => {
    const socket = new WebSocket(url, { headers: cookie ? { cookie } : {} })
    socket.once('message', () => done(socket)) // the hello frame
    socket.once('error', fail)
  })
}

const pct = (values, p) => [...values].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * values.length) - 1)] ?? NaN

/**
 * The load, identical for both servers: K clients, client k in room k % ROOMS, each sending RATE
 * messages a second for SECONDS; every client records when each message of its room arrives.
 */
async function load(url, rooms, cookies, pid) {
  const clients = []
  for (let k = 0; k < K; k++) {
    const socket = await connect(url, cookies[k % cookies.length])
    const client = { socket, room: rooms[k % rooms.length], latencies: [], received: 0, acks: 0, errors: 0 }
    socket.on('message', (data) => {
      const frame = JSON.parse(String(data))
      if (frame.type === 'event' && frame.kind === 'message.sent') {
        const sent = JSON.parse(frame.payload.message.body).t
        client.latencies.push(Date.now() - sent)
        client.received++
      }
      else if (frame.type === 'ack') client.acks++
      else if (frame.type === 'error') client.errors++
    })
    socket.send(JSON.stringify({ type: 'subscribe', room: client.room }))
    clients.push(client)
  }
  await sleep(2000)
  const memory = memorySampler(pid)
  const perRoom = new Map()
  for (const c of clients) perRoom.set(c.room, (perRoom.get(c.room) ?? 0) + 1)
  let sent = 0
  let expected = 0
  const t0 = Date.now()
  await Promise.all(clients.map(async (client, k) => {
    await sleep((k / K) * (1000 / RATE)) // spread the senders over one period
    for (let n = 0; Date.now() - t0 < SECONDS * 1000; n++) {
      client.socket.send(JSON.stringify({ type: 'send', room: client.room, body: JSON.stringify({ t: Date.now(), k, n }) }))
      sent++
      expected += perRoom.get(client.room)
      await sleep(1000 / RATE)
    }
  }))
  const sendWindow = (Date.now() - t0) / 1000
  const delivered = () => clients.reduce((s, c) => s + c.received, 0)
  for (const deadline = Date.now() + 30_000; delivered() < expected && Date.now() < deadline;) await sleep(100)
  const window = (Date.now() - t0) / 1000
  const mem = memory.stop()
  const latencies = clients.flatMap(c => c.latencies)
  const held = clients.filter(c => c.socket.readyState === WebSocket.OPEN).length
  clients.forEach(c => c.socket.close())
  return {
    sent, expected, delivered: delivered(), errors: clients.reduce((s, c) => s + c.errors, 0),
    sendRate: sent / sendWindow, deliveredPerSecond: delivered() / window,
    latencyMs: { p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), max: Math.max(...latencies) },
    connectionsHeld: held, serverPeakRssMiB: +(mem.peakRss / 2 ** 20).toFixed(1),
  }
}

async function benchC18n() {
  const tmp = mkdtempSync(join(os.tmpdir(), 'c18n-bench-rt-'))
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const app = start(join(ROOT, '.output/server/index.mjs'), { PORT: String(port), HOST: '127.0.0.1', AUTH_ORIGIN: `${base}/api/auth`, AUTH_SECRET: 'bench', C18N_DATA_DIR: tmp, C18N_RATE_LIMIT: 'off' })
  try {
    await waitFor('the app and its demo data', async () => (await fetch(`${base}/api/users/alan`)).ok)
    const handles = (await (await fetch(`${base}/api/users?limit=100`)).json()).items.map(u => u.handle).slice(0, USERS)
    const cookies = []
    for (const handle of handles) cookies.push(await signIn(base, handle))
    // One user group per room, everybody in each: group rooms let every client write.
    const rooms = []
    for (let r = 0; r < ROOMS; r++) {
      const res = await fetch(`${base}/api/groups`, { method: 'POST', headers: { 'content-type': 'application/json', 'origin': base, 'cookie': cookies[0] }, body: JSON.stringify({ name: `Bench room ${r}`, memberHandles: handles.slice(1) }) })
      if (res.status !== 201) throw new Error(`creating a room: ${res.status} ${await res.text()}`)
      rooms.push(`group:${(await res.json()).id}`)
    }
    log(`c18n app up (embedded), ${handles.length} users signed in, ${ROOMS} rooms`)
    return await load(`ws://127.0.0.1:${port}/_live`, rooms, cookies, app.pid)
  }
  catch (error) {
    console.error(app.output().split('\n').slice(-20).join('\n'))
    throw error
  }
  finally {
    app.kill('SIGTERM')
    await sleep(500)
    rmSync(tmp, { recursive: true, force: true })
  }
}

async function benchBare() {
  const port = await freePort()
  const server = start(join(ROOT, 'tests/bench/bare-ws-server.mjs'), { PORT: String(port) })
  try {
    await waitFor('the bare server', async () => server.output().includes('listening'), 10_000)
    return await load(`ws://127.0.0.1:${port}`, Array.from({ length: ROOMS }, (_, r) => `room-${r}`), [''], server.pid)
  }
  finally {
    server.kill('SIGTERM')
  }
}

const c18n = await benchC18n()
const bare = await benchBare()
const cpus = os.cpus()
const f = v => (Number.isFinite(v) ? Math.round(v).toString() : '-')
console.log(`\nc18n realtime bench — ${cpus.length} × ${cpus[0]?.model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}`)
console.log(`${K} clients in ${ROOMS} rooms, each sending ${RATE}/s for ${SECONDS} s`)
console.log(`${''.padEnd(28)}${'sent/s'.padStart(8)}${'deliv/s'.padStart(9)}${'p50 ms'.padStart(8)}${'p95 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'lost'.padStart(6)}${'errors'.padStart(8)}${'held'.padStart(6)}${'peak RSS MiB'.padStart(14)}`)
for (const [name, r] of [['c18n (embedded, full pipeline)', c18n], ['bare ws broadcast (reference)', bare]]) {
  console.log(`${name.padEnd(28).slice(0, 28)}${r.sendRate.toFixed(1).padStart(8)}${r.deliveredPerSecond.toFixed(0).padStart(9)}${f(r.latencyMs.p50).padStart(8)}${f(r.latencyMs.p95).padStart(8)}${f(r.latencyMs.p99).padStart(8)}${String(r.expected - r.delivered).padStart(6)}${String(r.errors).padStart(8)}${String(r.connectionsHeld).padStart(6)}${String(r.serverPeakRssMiB).padStart(14)}`)
}
process.exit(0)
