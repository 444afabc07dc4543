import type { H3Event } from 'h3'

declare module 'h3' {
  interface H3EventContext {
    /** Set for every request by the observe plugin; events published for it carry it. */
    requestId?: string
    /** What went wrong, when the request failed: for its log line. */
    requestError?: string
  }
}

export const REQUEST_ID_HEADER = 'x-request-id'

/** The request's id: the plugin sets one on every request; a fresh fallback should it not have run. */
export const requestIdOf = (event: H3Event): string | undefined => event.context.requestId
