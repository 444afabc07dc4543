import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import { type RunningServer, freePort, startServer } from '../support/server'
import { permissionMatrix } from '../support/permission-matrix'
import { eventually } from '../contract/suites/wait'
import { realStackEnv, withDatabase } from './stack-env'

// Issue 17's matrix on Kafka, FerretDB, Redis and Elasticsearch, with the pipeline in the worker
// process: the same table as tests/api, against an app that runs no consumers of its own.
const env = realStackEnv()
const ns = `c18n-pm${Date.now().toString(36)}`
const shared = {
  MONGODB_URI: withDatabase(env.MONGODB_URI, `${ns}-matrix`), ELASTICSEARCH_INDEX_PREFIX: `${ns}-`, C18N_TOPIC_NAMESPACE: ns,
  C18N_RUN_CONSUMERS: 'false', AUTH_SECRET: 'matrix-secret',
  // On a busy machine the worker may take more than the default 10 s to persist a seed write.
  C18N_WRITE_TIMEOUT_MS: '45000',
}
let worker: ChildProcess
let server: RunningServer | null = null

beforeAll(async () => {
  const healthPort = await freePort()
  worker = spawn(process.execPath, ['.output/worker/index.mjs'], {
    env: { ...process.env, ...shared, WORKER_HEALTH_PORT: String(healthPort), C18N_DATA_DIR: mkdtempSync(join(tmpdir(), 'c18n-worker-')) },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  await eventually(async () => expect((await fetch(`http://127.0.0.1:${healthPort}/health`)).ok).toBe(true), 60_000, 250)
  server = await startServer(shared)
  // The demo people the table casts exist once the seed's events are persisted by the worker.
  await eventually(async () => expect((await (await fetch(`${server!.url}/api/users/katherine`)).json()).handle).toBe('katherine'), 180_000, 500)
}, 300_000)

afterAll(async () => {
  await server?.stop()
  worker?.kill('SIGTERM')
})

permissionMatrix(() => server!.url)
