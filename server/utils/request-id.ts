import type { H3Event } from 'h3'
import { withRequestId } from '../../core/observability/request-context'

declare module 'h3' {
  interface H3EventContext {
    /** Set for every request by the observe plugin; events published for it carry it. */
    requestId?: string
    /** What went wrong, when the request failed: for its log line. */
    requestError?: string
  }
}

export const REQUEST_ID_HEADER = 'x-request-id'

/** Runs a route's work inside its request's id (set by the observe plugin), so the events it publishes carry it. */
export async function inRequest<T>(event: H3Event, work: () => T | Promise<T>): Promise<T> {
  const requestId = event.context.requestId
  return requestId ? withRequestId(requestId, work) : work()
}
