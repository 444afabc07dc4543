import type { Ports } from '../ports'
import type { BatchEngine } from './engine'
import { EmbeddedBatchEngine } from './embedded-engine'
import { SparkBatchEngine, sparkConfigFromEnv } from './spark-engine'

/**
 * The batch engine of this deployment: Spark when a cluster is configured (SPARK_MASTER) and the
 * stores are the real MongoDB and Elasticsearch it can reach, the in-process engine otherwise.
 * C18N_ANALYTICS_ENGINE=embedded|spark forces one (spark then fails loudly when it cannot run).
 */
export function batchEngineFor(ports: Pick<Ports, 'store' | 'search'>, env: Record<string, string | undefined> = process.env): BatchEngine {
  const choice = env.C18N_ANALYTICS_ENGINE
  if (choice && choice !== 'spark' && choice !== 'embedded') throw new Error(`C18N_ANALYTICS_ENGINE must be spark or embedded, not ${choice}`)
  if (choice !== 'embedded') {
    // The real adapters say where they are; the embedded ones live in this process, out of Spark's reach.
    const store = ports.store as { kind: string, uri?: string }
    const search = ports.search as { kind: string, url?: string, indexName?: (index: string) => string }
    const config = sparkConfigFromEnv({
      mongoUri: store.kind === 'mongodb' ? store.uri ?? null : null,
      elasticsearchUrl: search.kind === 'elasticsearch' ? search.url ?? null : null,
      indexName: index => search.indexName?.(index) ?? index,
    }, env)
    if (config) return new SparkBatchEngine(config)
    if (choice === 'spark') throw new Error('C18N_ANALYTICS_ENGINE=spark needs SPARK_MASTER, MongoDB (MONGODB_URI) and Elasticsearch (ELASTICSEARCH_URL)')
  }
  return new EmbeddedBatchEngine(ports)
}
