import type { H3Event } from 'h3'
import { getRequestHeader, setResponseHeader } from 'h3'
import { defineNitroPlugin } from 'nitropack/runtime'
import { log } from '../../core/observability/log'
import { collectProcessMetrics, observeHttp } from '../../core/observability/metrics'
import { requestIdFrom } from '../../core/observability/request-context'
import { REQUEST_ID_HEADER } from '../utils/request-id'

/** The route pattern that answered (`/api/posts/:id`), never the URL: ids stay out of the labels. */
const routeOf = (event: H3Event) => (event.context.matchedRoute as { path?: string } | undefined)?.path ?? '(unrouted)'

/** Measures and logs a request once its response has gone out, whoever sent it. */
function record(event: H3Event, started: number) {
  const seconds = (performance.now() - started) / 1000
  const status = event.node?.res?.statusCode ?? 200
  const route = routeOf(event)
  observeHttp(event.method, route, status, seconds)
  const line = { requestid: event.context.requestId, method: event.method, route, path: event.path.split('?')[0], status, ms: Math.round(seconds * 1000) }
  if (status >= 500) log.error({ ...line, error: event.context.requestError }, 'request failed')
  else if (log.isLevelEnabled('debug')) log.debug(line, 'request')
}

/**
 * Every request gets an id (the caller's `x-request-id` when valid), echoed in the response and
 * carried by the events it publishes; its latency goes to the request histogram by route pattern.
 */
export default defineNitroPlugin((nitroApp) => {
  if (process.env.NUXT_PREPARE || import.meta.prerender) return
  collectProcessMetrics()
  // Every line of this process says it is the app's, the pipeline's own lines too (embedded mode).
  log.setBindings({ process: 'app' })
  nitroApp.hooks.hook('request', (event: H3Event) => {
    const started = performance.now()
    event.context.requestId = requestIdFrom(getRequestHeader(event, REQUEST_ID_HEADER))
    setResponseHeader(event, REQUEST_ID_HEADER, event.context.requestId)
    // On the response's end rather than Nitro's afterResponse hook: that one is skipped for the
    // errors Nitro's error handler answers (404s, 5xx), which must count too.
    event.node?.res?.once('finish', () => record(event, started))
  })
  nitroApp.hooks.hook('error', (error: Error, { event }: { event?: H3Event }) => {
    if (event) event.context.requestError = error.message
  })
})
