import { timingSafeEqual } from 'node:crypto'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/**
 * Every Prometheus metric of c18n, in one registry per process: the app serves it on /metrics,
 * the worker on its local health listener. Labels hold route patterns, status classes, consumer
 * groups and topics only: never an id, a handle or anything a person wrote.
 */
export const registry = new Registry()

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10]

export const httpDuration = new Histogram({
  name: 'c18n_http_request_duration_seconds',
  help: 'HTTP request latency, by method, route pattern and status class (2xx, 4xx, ...)',
  labelNames: ['method', 'route', 'status_class'] as const,
  buckets: SECONDS,
  registers: [registry],
})

export const httpErrors = new Counter({
  name: 'c18n_http_errors_total',
  help: 'HTTP responses with a 5xx status, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
})

export const batchSize = new Histogram({
  name: 'c18n_consumer_batch_size',
  help: 'Messages per batch handed to a consumer group',
  labelNames: ['group'] as const,
  buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
  registers: [registry],
})

export const batchDuration = new Histogram({
  name: 'c18n_consumer_batch_duration_seconds',
  help: 'Time a consumer group took to handle a batch (its effects durable), failed attempts included',
  labelNames: ['group', 'outcome'] as const,
  buckets: SECONDS,
  registers: [registry],
})

export const consumerLag = new Gauge({
  name: 'c18n_consumer_lag',
  help: 'Messages of a partition after the last batch a group handled (as of that batch)',
  labelNames: ['group', 'topic', 'partition'] as const,
  registers: [registry],
})

export const liveConnections = new Gauge({
  name: 'c18n_live_connections',
  help: 'Open websocket connections of this app process',
  registers: [registry],
})

export const liveDeliveries = new Counter({
  name: 'c18n_live_deliveries_total',
  help: 'Live events sent to websocket clients, by kind',
  labelNames: ['kind'] as const,
  registers: [registry],
})

let processMetrics = false
/** Node's own metrics (event-loop delay, CPU, memory, GC, handles): once per process. */
export function collectProcessMetrics() {
  if (processMetrics) return
  processMetrics = true
  collectDefaultMetrics({ register: registry })
}

/** `2xx`, `4xx`, `5xx`: the label that keeps the histogram's series few. */
export const statusClass = (status: number) => `${Math.floor(status / 100)}xx`

export function observeHttp(method: string, route: string, status: number, seconds: number) {
  httpDuration.observe({ method, route, status_class: statusClass(status) }, seconds)
  if (status >= 500) httpErrors.inc({ method, route, status: String(status) })
}

/**
 * Whether a scrape may read the metrics: anyone when C18N_METRICS_TOKEN is not set (they hold no
 * personal data), otherwise only `Authorization: Bearer <token>`.
 */
export function metricsAllowed(authorization: string | null | undefined, token = process.env.C18N_METRICS_TOKEN): boolean {
  if (!token) return true
  const given = Buffer.from(authorization ?? '')
  const expected = Buffer.from(`Bearer ${token}`)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

export async function metricsText(): Promise<{ contentType: string, body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() }
}
