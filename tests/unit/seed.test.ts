import { describe, expect, it } from 'vitest'
import { seedDemoData } from '../../core/demo/seed'
import { createDomain } from '../../core/domain'
import { createPorts } from '../../adapters/factory'
import { startConsumers } from '../../workers/consumers'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

async function seeded() {
  const domain = createDomain(await createPorts({ dataDir: mkdtempSync(join(tmpdir(), 'c18n-seed-')) }))
  await domain.setup()
  await startConsumers(domain)
  expect(await seedDemoData(domain)).toBe(true)
  return domain
}

describe('demo data', () => {
  it('is the same on every machine and is never seeded twice', { timeout: 60_000 }, async () => {
    const [a, b] = [await seeded(), await seeded()]
    const names = async (d: typeof a) => (await d.communities.list(null, { limit: 100 })).items.map(c => `${c.slug}:${c.memberCount}`)
    expect(await names(a)).toEqual(await names(b))
    expect((await a.users.list({ limit: 100 })).items.map(u => u.handle)).toEqual((await b.users.list({ limit: 100 })).items.map(u => u.handle))
    expect(await seedDemoData(a)).toBe(false)
    expect((await a.users.list({ limit: 100 })).items).toHaveLength(52)
    expect(await a.users.verifyCredentials('grace', 'c18n-demo')).toMatchObject({ handle: 'grace' })
  })
})
