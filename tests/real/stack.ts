import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import { closePorts, createPorts } from '../../adapters/factory'
import { type Domain, createDomain } from '../../core/domain'
import type { Ports } from '../../core/ports'
import { eventually } from '../contract/suites/wait'
import { freePort } from '../support/server'
import { realStackEnv, withDatabase } from './stack-env'

/**
 * One test file's own corner of the shared real stack: its topics (a namespace), its database
 * and its search indices, so that suites never see each other's data.
 */
export interface StackSpace {
  env: ReturnType<typeof realStackEnv>
  ns: string
  mongoUri: string
  searchPrefix: string
}

/** A fresh space, `c18n-<tag><time>`; this process's own ports use its topics too. */
export function stackSpace(tag: string, database: string): StackSpace {
  const env = realStackEnv()
  const ns = `c18n-${tag}${Date.now().toString(36)}`
  process.env.C18N_TOPIC_NAMESPACE = ns
  return { env, ns, mongoUri: withDatabase(env.MONGODB_URI, `${ns}-${database}`), searchPrefix: `${ns}-` }
}

/** The environment an app server or worker needs to work in the space. */
export const spaceEnv = (space: StackSpace) => ({ MONGODB_URI: space.mongoUri, ELASTICSEARCH_INDEX_PREFIX: space.searchPrefix, C18N_TOPIC_NAMESPACE: space.ns })

/** The ports on the real stack within the space, and a set-up domain on them. */
export async function openStack(space: StackSpace): Promise<{ ports: Ports, domain: Domain }> {
  const { env } = space
  const ports = await createPorts({
    dataDir: mkdtempSync(join(tmpdir(), `${space.ns}-`)), kafkaBrokers: env.KAFKA_BROKERS.split(','), mongoUri: space.mongoUri, redisUrl: env.REDIS_URL,
    elasticsearchUrl: env.ELASTICSEARCH_URL, searchPrefix: space.searchPrefix, s3: { endpoint: env.S3_ENDPOINT, accessKey: env.S3_ACCESS_KEY, secretKey: env.S3_SECRET_KEY, bucket: env.S3_BUCKET ?? 'c18n' },
  })
  const domain = createDomain(ports)
  await domain.setup()
  return { ports, domain }
}

/** Drops the space's database and indices and closes the ports (a failed setup may leave none). */
export async function closeStack(ports: Ports | undefined) {
  if (!ports) return
  await ports.store.dropDatabase().catch(() => {})
  for (const index of ['posts', 'users', 'communities']) await ports.search.dropIndex(index).catch(() => {})
  await closePorts(ports)
}

/** The built worker (.output/worker) as its own process in the space, as deployed. */
export class WorkerProcess {
  private child: ChildProcess | null = null
  /** Where its health endpoint answers (the consumers it runs, among others). */
  healthUrl = ''
  constructor(private readonly space: StackSpace, private readonly extraEnv: Record<string, string> = {}) {}

  /** Starts it and waits until its health endpoint answers. */
  async start() {
    const healthPort = await freePort()
    this.child = spawn(process.execPath, ['.output/worker/index.mjs'], {
      env: { ...process.env, ...spaceEnv(this.space), ...this.extraEnv, WORKER_HEALTH_PORT: String(healthPort), C18N_DATA_DIR: mkdtempSync(join(tmpdir(), 'c18n-worker-')) },
      stdio: ['ignore', 'inherit', 'inherit'],
    })
    this.healthUrl = `http://127.0.0.1:${healthPort}/health`
    await eventually(async () => expect((await fetch(this.healthUrl)).ok).toBe(true), 60_000, 250)
    return this
  }

  /** Stops it (SIGTERM: a clean shutdown; SIGKILL: a crash) and waits until it is gone. */
  stop(signal: NodeJS.Signals = 'SIGTERM') {
    const child = this.child
    return new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve()
      child.once('exit', () => resolve())
      child.kill(signal)
    })
  }
}
