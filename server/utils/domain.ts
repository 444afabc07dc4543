import { closePorts, configFromEnv, createPorts } from '../../adapters/factory'
import { seedDemoData } from '../../core/demo/seed'
import { type Domain, createDomain } from '../../core/domain'
import { startConsumers } from '../../workers/consumers'
import { startBatchScheduler } from '../../core/analytics/scheduler'
import { log } from '../../core/observability/log'

const info = (line: string) => log.info(line)

// One set of connections per server process (not per request): sharing it is the point.
let booting: Promise<Domain> | null = null
let stopConsumers: (() => Promise<void>) | null = null

/**
 * The embedded bus lives in this process, so its consumers must too; on the real stack the
 * worker process runs them, unless C18N_RUN_CONSUMERS=true asks for them here as well.
 */
function runsConsumers(busKind: string): boolean {
  const setting = process.env.C18N_RUN_CONSUMERS
  return setting ? setting === 'true' : busKind.startsWith('embedded')
}

async function boot(): Promise<Domain> {
  const ports = await createPorts(configFromEnv())
  const domain = createDomain(ports)
  await domain.setup()
  // Join the applied stream before serving: a write's outcome is pushed to the process that waits for it.
  await domain.publisher.waiters.start()
  for (const [name, port] of Object.entries(ports)) log.info({ adapter: name, implementation: port.kind }, `${name}: ${port.kind}`)
  if (runsConsumers(ports.bus.kind)) {
    const consumers = await startConsumers(domain, info)
    // The analytics batch layer's schedule runs where the consumers do.
    const stopBatches = await startBatchScheduler(ports.jobs, options => domain.analytics.runBatch(options), info)
    stopConsumers = async () => {
      await stopBatches()
      await consumers.stop()
    }
  }
  else info('event consumers run in the worker process (npm run worker)')
  if (process.env.C18N_SEED !== 'false') await seedDemoData(domain, info)
  return domain
}

/** The process's domain, started on first use. */
export function useDomain(): Promise<Domain> {
  booting ??= boot().catch((error) => {
    booting = null
    throw error
  })
  return booting
}

export async function shutdownDomain() {
  if (!booting) return
  const domain = await booting.catch(() => null)
  booting = null
  // Writes answered at the ack finish applying (their cache write-through) before the ports close.
  await domain?.publisher.drained()
  await stopConsumers?.()
  if (domain) await closePorts(domain.ports)
}
