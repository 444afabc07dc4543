import type { TestProject } from 'vitest/node'
import { startServer } from '../support/server'

declare module 'vitest' {
  export interface ProvidedContext { baseURL: string }
}

/** One app server for the API suite, on a fresh data folder with the demo data. */
export default async function setup(project: TestProject) {
  const server = await startServer()
  project.provide('baseURL', server.url)
  return () => server.stop()
}
