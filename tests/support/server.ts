import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const ROOT = resolve(import.meta.dirname, '../..')

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => done(port))
    }).on('error', fail)
  })
}

export interface RunningServer { url: string, dataDir: string, process: ChildProcess, stop(): Promise<void> }

/** Starts the built app on a free port with its own data folder and waits until it is healthy and seeded. */
export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const entry = join(ROOT, '.output/server/index.mjs')
  if (!existsSync(entry)) throw new Error('The app is not built: run `npm run build` first (npm test does it for you).')
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const dataDir = env.C18N_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'c18n-server-'))
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', AUTH_ORIGIN: `${url}/api/auth`, C18N_DATA_DIR: dataDir, AUTH_SECRET: 'test-secret-not-for-production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`The app exited with ${child.exitCode}:\n${output}`)
    const healthy = await fetch(`${url}/api/health`).then(r => r.ok).catch(() => false)
    if (healthy) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`The app did not become healthy within 60 s:\n${output}`)
    }
    await new Promise(r => setTimeout(r, 200))
  }
  return {
    url, dataDir, process: child,
    stop: () => new Promise<void>((done) => {
      if (child.exitCode !== null) return done()
      child.once('exit', () => done())
      child.kill('SIGTERM')
      setTimeout(() => child.kill('SIGKILL'), 5000).unref()
    }),
  }
}
