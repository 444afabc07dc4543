import { createServer } from 'node:http'
import { closePorts, configFromEnv, createPorts } from '../adapters/factory'
import { portsHealth } from '../adapters/health'
import { createDomain } from '../core/domain'
import { rebuildViews } from '../core/pipeline/rebuild'
import { log } from '../core/observability/log'
import { collectProcessMetrics, metricsAllowed, metricsText } from '../core/observability/metrics'
import { startConsumers } from './consumers'
import { startBatchScheduler } from '../core/analytics/scheduler'

// Every line of this process says it is the worker's, the pipeline's own lines too.
log.setBindings({ process: 'worker' })
const info = (line: string) => log.info(line)

/**
 * The worker process: the event consumers, each in its own consumer group, with a health route
 * and the Prometheus metrics on a listener of this machine only. The web server runs the same
 * consumers in-process in embedded mode.
 */
async function main() {
  const ports = await createPorts(configFromEnv())
  for (const [name, port] of Object.entries(ports)) log.info({ adapter: name, implementation: port.kind }, `${name}: ${port.kind}`)
  const domain = createDomain(ports)
  await domain.setup()
  if (process.argv[2] === 'rebuild-views') {
    await rebuildViews(ports, () => domain.setup(), info)
    await closePorts(ports)
    return
  }
  collectProcessMetrics()
  const consumers = await startConsumers(domain, info)
  const stopBatches = await startBatchScheduler(ports.jobs, options => domain.analytics.runBatch(options), info)

  const healthPort = Number(process.env.WORKER_HEALTH_PORT ?? 3001)
  const server = createServer(async (request, response) => {
    if (request.url === '/metrics') {
      if (!metricsAllowed(request.headers.authorization)) return response.writeHead(401, { 'www-authenticate': 'Bearer' }).end()
      const { contentType, body } = await metricsText()
      return response.writeHead(200, { 'content-type': contentType }).end(body)
    }
    if (request.url !== '/health') {
      response.writeHead(404).end()
      return
    }
    const health = { ...(await portsHealth(ports)), consumers: consumers.names }
    response.writeHead(health.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(health))
  }).listen(healthPort, '127.0.0.1', () => info(`health on http://127.0.0.1:${healthPort}/health, metrics on /metrics`))

  const shutdown = async (signal: string) => {
    info(`${signal}: stopping`)
    server.close()
    await stopBatches()
    await consumers.stop()
    await closePorts(ports)
    process.exit(0)
  }
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  process.once('SIGINT', () => void shutdown('SIGINT'))
}

main().catch((error: Error) => {
  log.error({ error: error.message }, `could not start: ${error.message}`)
  process.exit(1)
})
