import { type IDBPDatabase, openDB } from 'idb'
import { FetchError } from 'ofetch'
import { backoffDelay } from '~/utils/backoff'
import { OUTBOX_DB } from '~/utils/offline-data'
import { type OutboxDraft, type OutboxItem, type OutboxStore, type SendOutcome, flushOutbox, retryable } from '~/utils/outbox'
import { apiPath } from '~/utils/api'
import { api as contract } from '~~/shared/api/contract'

// Beside the composables: it needs Nuxt's $fetch. One outbox per tab, kept in IndexedDB so a
// reload, a closed tab or a restarted phone loses nothing.

const STORE = 'items'
const items = ref<OutboxItem[]>([])
const sent = ref<{ item: OutboxItem, result: unknown } | null>(null)
let database: Promise<IDBPDatabase> | null = null
let flushing: Promise<void> | null = null
let retryTimer: ReturnType<typeof setTimeout> | null = null
let attempts = 0
let started = false

function db() {
  database ??= openDB(OUTBOX_DB, 1, {
    upgrade(upgrading) {
      upgrading.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true })
    },
    // Sign-out deletes the database (utils/offline-data.ts): let go so the delete can finish.
    blocking() {
      void database?.then(open => open.close())
      database = null
    },
  })
  return database
}

const store: OutboxStore = {
  list: async () => (await db()).getAll(STORE) as Promise<OutboxItem[]>,
  remove: async (seq) => { await (await db()).delete(STORE, seq) },
  refuse: async (seq, reason) => {
    const open = await db()
    const item = await open.get(STORE, seq) as OutboxItem | undefined
    if (item) await open.put(STORE, { ...item, state: 'refused', reason })
  },
}

async function refresh() {
  items.value = (await store.list()).sort((a, b) => a.seq - b.seq)
}

async function send(item: OutboxItem): Promise<SendOutcome> {
  try {
    const result = await $fetch(apiPath(item.route, item.params), {
      method: contract[item.route].method.toUpperCase() as 'POST',
      body: item.body,
      headers: { 'Idempotency-Key': item.key },
    })
    return { kind: 'sent', result }
  }
  catch (caught) {
    const status = caught instanceof FetchError ? caught.statusCode : undefined
    if (retryable(status)) return { kind: 'later' }
    const message = (caught as FetchError<{ message?: string }>).data?.message
    return { kind: 'refused', reason: message ?? `Refused (${status})` }
  }
}

/** Sends what waits, once at a time per tab; when something could not go, tries again after a growing, jittered wait. */
function flush(): Promise<void> {
  if (flushing) return flushing
  if (retryTimer) clearTimeout(retryTimer)
  retryTimer = null
  flushing = (async () => {
    try {
      const { waiting } = await flushOutbox(store, send, (item, result) => { sent.value = { item, result } })
      attempts = waiting ? attempts + 1 : 0
      if (waiting && navigator.onLine) retryTimer = setTimeout(() => void flush(), backoffDelay(attempts - 1))
    }
    finally {
      flushing = null
      await refresh()
    }
  })()
  return flushing
}

function start() {
  if (started || !import.meta.client) return
  started = true
  window.addEventListener('online', () => void flush())
  void refresh().then(() => {
    if (navigator.onLine) void flush()
  })
}

/**
 * The offline outbox: writes made without a connection (or whose answer was lost) wait here,
 * shown as pending, and go out when the connection returns, exactly once each (the server
 * honours their Idempotency-Key) and in order per place. A refused one stays, with the reason,
 * until the person discards it.
 */
export function useOutbox() {
  start()
  const waitingIn = (place: string) => items.value.some(item => item.place === place && item.state === 'pending')
  async function enqueue(draft: OutboxDraft) {
    const item: Omit<OutboxItem, 'seq'> = { ...toRaw(draft), key: crypto.randomUUID(), createdAt: Date.now(), state: 'pending' }
    await (await db()).add(STORE, JSON.parse(JSON.stringify(item)))
    await refresh()
    if (navigator.onLine) void flush()
  }
  /** A refused write, corrected by the person, tried again (with a fresh key: it is a new request). */
  async function resend(seq: number, changes: Record<string, unknown>) {
    const open = await db()
    const item = await open.get(STORE, seq) as OutboxItem | undefined
    if (!item) return
    const { reason: _reason, ...rest } = item
    await open.put(STORE, { ...rest, body: { ...item.body, ...changes }, key: crypto.randomUUID(), state: 'pending' } satisfies OutboxItem)
    await refresh()
    if (navigator.onLine) void flush()
  }
  async function discard(seq: number) {
    await store.remove(seq)
    await refresh()
  }
  /**
   * Does the write now when the server can be reached; when it cannot (offline, or the request
   * never arrived), keeps it in the outbox instead. Other failures reach the caller as before.
   * While earlier writes to the same place still wait, it queues behind them (order per place).
   */
  async function sendOrKeep<T>(draft: OutboxDraft, work: () => Promise<T>): Promise<{ sent: T } | { kept: true }> {
    if (!navigator.onLine || waitingIn(draft.place)) {
      await enqueue(draft)
      return { kept: true }
    }
    try {
      return { sent: await work() }
    }
    catch (caught) {
      if (!unreachable(caught)) throw caught
      await enqueue(draft)
      return { kept: true }
    }
  }
  return { items: readonly(items), sent: readonly(sent), enqueue, resend, discard, flush, sendOrKeep, waitingIn }
}

/** Whether a failed request never reached the server (offline, connection lost): then it belongs in the outbox. */
export function unreachable(caught: unknown): boolean {
  return (caught instanceof FetchError && caught.statusCode === undefined) || (import.meta.client && !navigator.onLine)
}
