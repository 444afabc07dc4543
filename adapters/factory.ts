import { join } from 'node:path'
import type { Ports } from '../core/ports'
import { EmbeddedCache } from './embedded/cache'
import { EmbeddedDocumentStore } from './embedded/document-store'
import { EmbeddedEventBus } from './embedded/event-bus'
import { EmbeddedJobQueue } from './embedded/job-queue'
import { EmbeddedObjectStore } from './embedded/object-store'
import { EmbeddedSearchIndex } from './embedded/search-index'

export interface PortsConfig {
  /** Where the embedded implementations keep their data. */
  dataDir: string
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PortsConfig {
  return { dataDir: env.C18N_DATA_DIR ?? join(process.cwd(), '.data', 'embedded') }
}

/** Builds every port from configuration: the one place that knows the implementations. */
export async function createPorts(config: PortsConfig): Promise<Ports> {
  const dir = config.dataDir
  return {
    bus: new EmbeddedEventBus(join(dir, 'bus.sqlite')),
    store: new EmbeddedDocumentStore(join(dir, 'documents.sqlite')),
    cache: new EmbeddedCache(join(dir, 'cache.json')),
    search: new EmbeddedSearchIndex(join(dir, 'search.sqlite')),
    objects: new EmbeddedObjectStore(join(dir, 'objects')),
    jobs: new EmbeddedJobQueue(join(dir, 'jobs.sqlite')),
  }
}

export async function closePorts(ports: Ports) {
  await Promise.allSettled(Object.values(ports).map(port => port.close()))
}
