import { AsyncLocalStorage } from 'node:async_hooks'
import { randomUUID } from 'node:crypto'

/**
 * The request a piece of work runs for: set around an HTTP route or a websocket frame, read where
 * an event is made, so the event carries the id through the bus to every consumer. Async local
 * storage rather than a parameter: the domain's functions need not pass it along.
 */
const current = new AsyncLocalStorage<{ requestId: string }>()

/** What an incoming `x-request-id` may hold: short, and nothing that could forge a log line. */
const VALID_REQUEST_ID = /^[\w.:-]{1,64}$/

export const newRequestId = () => randomUUID()

/** The caller's request id when it is a valid one, a fresh one otherwise. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && VALID_REQUEST_ID.test(header) ? header : newRequestId()
}

export function withRequestId<T>(requestId: string, work: () => T): T {
  return current.run({ requestId }, work)
}

export function currentRequestId(): string | undefined {
  return current.getStore()?.requestId
}
