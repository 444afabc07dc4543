import { BullJobQueue } from '../../adapters/real/bull-job-queue'
import { ElasticSearchIndex } from '../../adapters/real/elastic-search-index'
import { KafkaEventBus } from '../../adapters/real/kafka-event-bus'
import { MongoDocumentStore } from '../../adapters/real/mongo-document-store'
import { RedisCache } from '../../adapters/real/redis-cache'
import { S3ObjectStore } from '../../adapters/real/s3-object-store'
import { cacheContract } from '../contract/suites/cache'
import { documentStoreContract } from '../contract/suites/document-store'
import { eventBusContract } from '../contract/suites/event-bus'
import { jobQueueContract } from '../contract/suites/job-queue'
import { objectStoreContract } from '../contract/suites/object-store'
import { searchIndexContract } from '../contract/suites/search-index'
import { realStackEnv, withDatabase } from './stack-env'

// The same assertions as tests/contract/embedded.test.ts, against the real servers.
const env = realStackEnv()
const connectedTo = async <T extends { connect(): Promise<void> }>(port: T) => {
  await port.connect()
  return port
}

documentStoreContract('MongoDB wire protocol', () => connectedTo(new MongoDocumentStore(withDatabase(env.MONGODB_URI, 'c18n-contract'))))
eventBusContract('Kafka', () => connectedTo(new KafkaEventBus(env.KAFKA_BROKERS.split(','), 'c18n-contract')))
cacheContract('Redis', () => connectedTo(new RedisCache(env.REDIS_URL)))
searchIndexContract('Elasticsearch', () => connectedTo(new ElasticSearchIndex(env.ELASTICSEARCH_URL, 'c18n-contract-')))
objectStoreContract('S3', () => connectedTo(new S3ObjectStore({ endpoint: env.S3_ENDPOINT, accessKey: env.S3_ACCESS_KEY, secretKey: env.S3_SECRET_KEY, bucket: env.S3_BUCKET ?? 'c18n', region: env.S3_REGION })))
jobQueueContract('BullMQ on Redis', () => connectedTo(new BullJobQueue(env.REDIS_URL)))
