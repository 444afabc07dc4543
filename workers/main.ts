import { createServer } from 'node:http'
import { closePorts, configFromEnv, createPorts } from '../adapters/factory'
import { portsHealth } from '../adapters/health'
import { createDomain } from '../core/domain'
import { rebuildViews } from '../core/pipeline/rebuild'
import { startConsumers } from './consumers'
import { startBatchScheduler } from '../core/analytics/scheduler'

/**
 * The worker process: the event consumers, each in its own consumer group, with a health
 * route. The web server runs the same consumers in-process in embedded mode.
 */
async function main() {
  const ports = await createPorts(configFromEnv())
  for (const [name, port] of Object.entries(ports)) console.info(`[worker] ${name}: ${port.kind}`)
  const domain = createDomain(ports)
  await domain.setup()
  if (process.argv[2] === 'rebuild-views') {
    await rebuildViews(ports, () => domain.setup(), line => console.info(`[worker] ${line}`))
    await closePorts(ports)
    return
  }
  const consumers = await startConsumers(domain, line => console.info(`[worker] ${line}`))
  const stopBatches = await startBatchScheduler(ports.jobs, options => domain.analytics.runBatch(options), line => console.info(`[worker] ${line}`))

  const healthPort = Number(process.env.WORKER_HEALTH_PORT ?? 3001)
  const server = createServer(async (request, response) => {
    if (request.url !== '/health') {
      response.writeHead(404).end()
      return
    }
    const health = { ...(await portsHealth(ports)), consumers: consumers.names }
    response.writeHead(health.status === 'ok' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(health))
  }).listen(healthPort, '127.0.0.1', () => console.info(`[worker] health on http://127.0.0.1:${healthPort}/health`))

  const shutdown = async (signal: string) => {
    console.info(`[worker] ${signal}: stopping`)
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
  console.error(`[worker] could not start: ${error.message}`)
  process.exit(1)
})
