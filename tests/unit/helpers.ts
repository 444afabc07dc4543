import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPorts } from '../../adapters/factory'
import { afterAll } from 'vitest'
import { type Domain, type DomainOptions, createDomain } from '../../core/domain'
import { startConsumers } from '../../workers/consumers'

const stops: Array<() => Promise<void>> = []
afterAll(async () => { await Promise.all(stops.map(stop => stop())) })

/** A domain on fresh embedded ports, with a few users to act as; `options.now` fakes its clock. */
export async function freshDomain(options: DomainOptions = {}) {
  const domain: Domain = createDomain(await createPorts({ dataDir: mkdtempSync(join(tmpdir(), 'c18n-unit-')) }), options)
  await domain.setup()
  // The pipeline's consumers, in-process as in embedded mode: writes wait for the persister.
  const consumers = await startConsumers(domain)
  stops.push(consumers.stop)
  const make = async (handle: string, role: 'user' | 'admin' = 'user') => {
    const user = await domain.users.create({ handle, displayName: handle.toUpperCase(), role, interests: ['chess'] })
    return { ...user, actor: { id: user.id, role } }
  }
  return { domain, make }
}
