import { join } from 'node:path'
import type { Ports } from '../core/ports'
import { EmbeddedCache } from './embedded/cache'
import { EmbeddedDocumentStore } from './embedded/document-store'
import { EmbeddedEventBus } from './embedded/event-bus'
import { EmbeddedJobQueue } from './embedded/job-queue'
import { EmbeddedObjectStore } from './embedded/object-store'
import { EmbeddedSearchIndex } from './embedded/search-index'
import { BullJobQueue } from './real/bull-job-queue'
import { ElasticSearchIndex } from './real/elastic-search-index'
import { KafkaEventBus } from './real/kafka-event-bus'
import { MongoDocumentStore } from './real/mongo-document-store'
import { RedisCache } from './real/redis-cache'
import { type S3Settings, S3ObjectStore } from './real/s3-object-store'

export interface PortsConfig {
  /** Where the embedded implementations keep their data. */
  dataDir: string
  kafkaBrokers?: string[]
  mongoUri?: string
  redisUrl?: string
  elasticsearchUrl?: string
  s3?: S3Settings
  /** Prefix of search index names, so that test runs and apps can share one Elasticsearch. */
  searchPrefix?: string
}

/** The standard connection variables; each one left unset keeps its port embedded. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): PortsConfig {
  const s3 = env.S3_ENDPOINT
    ? { endpoint: env.S3_ENDPOINT, accessKey: env.S3_ACCESS_KEY ?? '', secretKey: env.S3_SECRET_KEY ?? '', bucket: env.S3_BUCKET ?? 'c18n', region: env.S3_REGION }
    : undefined
  return {
    dataDir: env.C18N_DATA_DIR ?? join(process.cwd(), '.data', 'embedded'),
    kafkaBrokers: env.KAFKA_BROKERS ? env.KAFKA_BROKERS.split(',').map(b => b.trim()).filter(Boolean) : undefined,
    mongoUri: env.MONGODB_URI || undefined,
    redisUrl: env.REDIS_URL || undefined,
    elasticsearchUrl: env.ELASTICSEARCH_URL || undefined,
    s3,
    searchPrefix: env.ELASTICSEARCH_INDEX_PREFIX || undefined,
  }
}

/** A failure to reach a server at start, said in one line: which service, where, and why. */
export class PortConnectionError extends Error {
  constructor(service: string, address: string, cause: unknown) {
    super(`${service} at ${address} is not reachable: ${(cause as Error)?.message ?? String(cause)}`.split('\n')[0])
    this.name = 'PortConnectionError'
  }
}

const CONNECT_TIMEOUT_MS = 15_000

async function connected<T extends { connect(): Promise<void> }>(service: string, address: string, port: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS)
  })
  try {
    await Promise.race([port.connect(), timeout])
    return port
  }
  catch (error) {
    throw new PortConnectionError(service, address, error)
  }
  finally {
    clearTimeout(timer)
  }
}

/** Builds every port from configuration: the one place that knows the implementations. */
export async function createPorts(config: PortsConfig): Promise<Ports> {
  const dir = config.dataDir
  const redact = (url: string) => url.replace(/\/\/[^@/]*@/, '//***@')
  const [bus, store, cache, search, objects, jobs] = await Promise.all([
    config.kafkaBrokers ? connected('Kafka', config.kafkaBrokers.join(','), new KafkaEventBus(config.kafkaBrokers)) : new EmbeddedEventBus(join(dir, 'bus.sqlite')),
    config.mongoUri ? connected('MongoDB', redact(config.mongoUri), new MongoDocumentStore(config.mongoUri)) : new EmbeddedDocumentStore(join(dir, 'documents.sqlite')),
    config.redisUrl ? connected('Redis', redact(config.redisUrl), new RedisCache(config.redisUrl)) : new EmbeddedCache(join(dir, 'cache.json')),
    config.elasticsearchUrl ? connected('Elasticsearch', redact(config.elasticsearchUrl), new ElasticSearchIndex(config.elasticsearchUrl, config.searchPrefix)) : new EmbeddedSearchIndex(join(dir, 'search.sqlite')),
    config.s3 ? connected('S3', config.s3.endpoint, new S3ObjectStore(config.s3)) : new EmbeddedObjectStore(join(dir, 'objects')),
    config.redisUrl ? connected('Redis (job queue)', redact(config.redisUrl), new BullJobQueue(config.redisUrl)) : new EmbeddedJobQueue(join(dir, 'jobs.sqlite')),
  ])
  return { bus, store, cache, search, objects, jobs }
}

export async function closePorts(ports: Ports) {
  await Promise.allSettled(Object.values(ports).map(port => port.close()))
}
