import { defineEventHandler, getRequestHeader, setResponseHeader, setResponseStatus } from 'h3'
import { metricsAllowed, metricsText } from '../../core/observability/metrics'

/**
 * Prometheus's scrape target, outside the JSON API: counts and latencies by route pattern,
 * consumer group and topic, and the process's own figures, nothing about any person. With
 * C18N_METRICS_TOKEN set, only a scrape sending it as a bearer token reads them.
 */
export default defineEventHandler(async (event) => {
  setResponseHeader(event, 'cache-control', 'no-store')
  if (!metricsAllowed(getRequestHeader(event, 'authorization'))) {
    setResponseStatus(event, 401)
    setResponseHeader(event, 'www-authenticate', 'Bearer')
    return 'Send the metrics token: Authorization: Bearer <C18N_METRICS_TOKEN>\n'
  }
  const { contentType, body } = await metricsText()
  setResponseHeader(event, 'content-type', contentType)
  return body
})
