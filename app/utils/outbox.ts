/** The writes the outbox can hold: each is one contract route, sent with an Idempotency-Key. */
export type OutboxRoute = 'createPost' | 'reply' | 'react' | 'sendMessage'

export interface OutboxDraft {
  route: OutboxRoute
  params: Record<string, string>
  body: Record<string, unknown>
  /** Writes to the same place (a community, a post, a chat room) are sent in the order they were made. */
  place: string
  /** What the person sees in the outbox: "Post “Fog at the pier”". */
  label: string
}

export interface OutboxItem extends OutboxDraft {
  /** The order of making (IndexedDB's auto-increment key). */
  seq: number
  /** Sent as the Idempotency-Key: a resend after a lost answer writes nothing twice. */
  key: string
  createdAt: number
  state: 'pending' | 'refused'
  /** Why the server refused it, in its words. */
  reason?: string
}

/** What one attempt to send came to. */
export type SendOutcome
  = | { kind: 'sent', result: unknown }
    | { kind: 'refused', reason: string }
    /** No connection, or the server cannot take it now (5xx, 409 still running, 429): try later. */
    | { kind: 'later' }

export interface OutboxStore {
  list(): Promise<OutboxItem[]>
  remove(seq: number): Promise<void>
  refuse(seq: number, reason: string): Promise<void>
}

/** Whether an HTTP status means "try again later" rather than "no". */
export const retryable = (status: number | undefined) => status === undefined || status >= 500 || status === 408 || status === 409 || status === 429

/**
 * Sends what is pending, oldest first within each place and the places side by side. A place
 * stops at its first write that cannot go now, so nothing there overtakes it; a refused write is
 * kept (with the reason) for the person to discard, and the next one in its place still goes.
 * Returns whether anything is still waiting to be tried again.
 */
export async function flushOutbox(store: OutboxStore, send: (item: OutboxItem) => Promise<SendOutcome>, onSent?: (item: OutboxItem, result: unknown) => void): Promise<{ waiting: boolean }> {
  const places = new Map<string, OutboxItem[]>()
  for (const item of (await store.list()).filter(each => each.state === 'pending').sort((a, b) => a.seq - b.seq)) {
    const queue = places.get(item.place) ?? []
    queue.push(item)
    places.set(item.place, queue)
  }
  const stalled = await Promise.all([...places.values()].map(async (queue) => {
    for (const item of queue) {
      const outcome = await send(item)
      if (outcome.kind === 'later') return true
      if (outcome.kind === 'refused') await store.refuse(item.seq, outcome.reason)
      else {
        await store.remove(item.seq)
        onSent?.(item, outcome.result)
      }
    }
    return false
  }))
  return { waiting: stalled.some(Boolean) }
}
