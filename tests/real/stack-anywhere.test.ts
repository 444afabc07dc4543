import { execFile } from 'node:child_process'
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { MongoClient } from 'mongodb'
import { afterAll, describe, expect, it } from 'vitest'

// A checkout below a folder only its owner may enter (root's home, a mktemp -d folder), with a
// space in its path, brings up a whole stack of its own beside the suite's: PostgreSQL must not
// need to enter the checkout (it refuses to run as root, and the postgres user cannot get in).
const run = promisify(execFile)
const repo = resolve(import.meta.dirname, '../..')

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => done(port))
    })
  })
}

/** A base port whose next port is free too: Elasticsearch serves node 1 on base + 1. */
async function freeEsBase(): Promise<number> {
  return (await freePort()) - 1
}

describe('the real stack from a checkout below a closed folder', () => {
  const closed = mkdtempSync(join(tmpdir(), 'c18n-closed-'))
  const checkout = join(closed, 'a checkout with spaces')
  let env: NodeJS.ProcessEnv = {}

  afterAll(async () => {
    await run('bash', [join(checkout, 'infra/stack.sh'), 'down'], { env }).catch(() => undefined)
    const pgDirFile = join(checkout, '.data/stack/postgres.dir')
    const pgDir = existsSync(pgDirFile) ? readFileSync(pgDirFile, 'utf8').trim() : ''
    if (pgDir && !pgDir.startsWith(closed)) rmSync(pgDir, { recursive: true, force: true })
    rmSync(closed, { recursive: true, force: true })
  })

  it('starts every server, stores a document through FerretDB and PostgreSQL, and stops them all', async () => {
    chmodSync(closed, 0o700)
    mkdirSync(checkout)
    cpSync(join(repo, 'infra'), join(checkout, 'infra'), { recursive: true, filter: path => !path.includes('/cache/') })
    symlinkSync(join(repo, 'node_modules'), join(checkout, 'node_modules'))
    const ports = {
      C18N_KAFKA_PORT: await freePort(), C18N_KAFKA_CONTROLLER_PORT: await freePort(), C18N_ES_BASE_PORT: await freeEsBase(),
      C18N_MONGO_PORT: await freePort(), C18N_PG_PORT: await freePort(), C18N_REDIS_PORT: await freePort(), C18N_S3_PORT: await freePort(),
      C18N_SPARK_MASTER_PORT: await freePort(), C18N_SPARK_MASTER_UI_PORT: await freePort(), C18N_SPARK_WORKER_PORT: await freePort(), C18N_SPARK_WORKER_UI_PORT: await freePort(),
    }
    env = {
      ...process.env,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      // The jars and binaries the suite's stack was provisioned with: this test is about folders, not downloads.
      C18N_STACK_CACHE: process.env.C18N_STACK_CACHE ?? join(repo, '.cache/stack'),
    }
    delete env.C18N_STACK_DIR // its state goes in the checkout, as a person's would

    const up = await run('bash', [join(checkout, 'infra/stack.sh'), 'up'], { env, cwd: checkout })
    expect(up.stdout).toContain(`MONGODB_URI=mongodb://127.0.0.1:${ports.C18N_MONGO_PORT}/c18n`)
    const pgDir = readFileSync(join(checkout, '.data/stack/postgres.dir'), 'utf8').trim()
    if (process.getuid?.() === 0) expect(pgDir.startsWith(closed)).toBe(false)
    else expect(pgDir).toBe(join(checkout, '.data/stack/postgres'))
    // The folder above the checkout stays closed: nothing was opened up to let a server in.
    expect((await run('stat', ['-c', '%a', closed])).stdout.trim()).toBe('700')

    const client = await MongoClient.connect(`mongodb://127.0.0.1:${ports.C18N_MONGO_PORT}`, { serverSelectionTimeoutMS: 10_000 })
    try {
      const docs = client.db('anywhere').collection('probe')
      await docs.insertOne({ _id: 'written-below-a-closed-folder' as never, ok: true })
      expect(await docs.findOne({ _id: 'written-below-a-closed-folder' as never })).toMatchObject({ ok: true })
    }
    finally {
      await client.close()
    }

    await run('bash', [join(checkout, 'infra/stack.sh'), 'down'], { env, cwd: checkout })
    const status = await run('bash', [join(checkout, 'infra/stack.sh'), 'status'], { env, cwd: checkout }).catch(error => error as { stdout: string, code: number })
    expect(status.stdout.trim().split('\n').map(line => line.split(/\s+/).at(-1))).toEqual(Array.from({ length: 8 }, () => 'down')) // six servers and Spark's master and worker
  }, 300_000)
})
