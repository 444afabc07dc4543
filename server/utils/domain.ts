import { closePorts, configFromEnv, createPorts } from '../../adapters/factory'
import { seedDemoData } from '../../core/demo/seed'
import { type Domain, createDomain } from '../../core/domain'

// One set of connections per server process (not per request): sharing it is the point.
let booting: Promise<Domain> | null = null

async function boot(): Promise<Domain> {
  const ports = await createPorts(configFromEnv())
  const domain = createDomain(ports)
  await domain.setup()
  for (const [name, port] of Object.entries(ports)) console.info(`[c18n] ${name}: ${port.kind}`)
  if (process.env.C18N_SEED !== 'false') await seedDemoData(domain, line => console.info(`[c18n] ${line}`))
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
  if (domain) await closePorts(domain.ports)
}
