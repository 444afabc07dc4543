import type { Ports } from '../core/ports'
import type { Health } from '../shared/schemas/health'

const PING_TIMEOUT_MS = 2000

async function answers(ping: () => Promise<boolean>): Promise<boolean> {
  const timeout = new Promise<boolean>(resolve => setTimeout(resolve, PING_TIMEOUT_MS, false).unref())
  return Promise.race([ping().catch(() => false), timeout])
}

/** Asks every port whether it answers; the app is degraded while any does not. */
export async function portsHealth(ports: Ports): Promise<Health> {
  const entries = await Promise.all(Object.entries(ports).map(async ([name, port]) =>
    [name, { implementation: port.kind, up: await answers(() => port.ping()) }] as const))
  const embedded = entries.filter(([, p]) => p.implementation.startsWith('embedded')).length
  return {
    status: entries.every(([, p]) => p.up) ? 'ok' : 'degraded',
    mode: embedded === entries.length ? 'embedded' : embedded === 0 ? 'real' : 'mixed',
    ports: Object.fromEntries(entries),
  }
}
