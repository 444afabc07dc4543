import type { TestProject } from 'vitest/node'
import { startServer } from '../support/server'

declare module 'vitest' {
  export interface ProvidedContext { baseURL: string }
}

/** One app server for the API suite, on a fresh data folder with the demo data. */
export default async function setup(project: TestProject) {
  // Every file signs the demo people in again, from one address: more than the per-account limit
  // allows a person in five minutes. The limit itself is tested on a server of its own
  // (tests/api/security.test.ts); here it is set above what the suite needs.
  const server = await startServer({ C18N_RATE_LIMIT_SIGNIN: '400/300' })
  project.provide('baseURL', server.url)
  return () => server.stop()
}
