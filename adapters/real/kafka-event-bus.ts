import { Kafka, type Consumer, type Producer, Partitioners, logLevel } from 'kafkajs'
import type { EventBus, MessageHandler, OutgoingMessage, SubscribeOptions, Subscription, TopicSpec } from '../../core/ports/event-bus'
import { setTimeout as sleep } from 'node:timers/promises'

const MAX_BACKOFF_MS = 5000

// kafkajs 2.2 sets a negative timer on Node 22+, which Node reports as a TimeoutNegativeWarning
// (harmless: the timer fires at once). Keep that one warning quiet and print every other one.
if (!process.listeners('warning').some(l => l.name === 'c18nWarnings')) {
  const previous = process.listeners('warning')
  process.removeAllListeners('warning')
  process.on('warning', function c18nWarnings(warning) {
    if (warning.name === 'TimeoutNegativeWarning') return
    for (const listener of previous) listener(warning)
  })
}

class Stopped extends Error {}

/** Kafka through kafkajs: an idempotent producer with acks from all in-sync replicas, manual commits. */
export class KafkaEventBus implements EventBus {
  readonly kind = 'kafka'
  private readonly kafka: Kafka
  private readonly producer: Producer
  private readonly known = new Set<string>()
  private readonly consumers = new Set<Consumer>()

  constructor(readonly brokers: string[], clientId = 'c18n', private readonly defaultPartitions = 6) {
    this.kafka = new Kafka({ clientId, brokers, logLevel: logLevel.ERROR, retry: { retries: 8, initialRetryTime: 200 } })
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 5, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner })
  }

  async connect() {
    await this.producer.connect()
  }

  async ensureTopics(topics: TopicSpec[]) {
    const missing = topics.filter(t => !this.known.has(t.name))
    if (!missing.length) return
    const admin = this.kafka.admin()
    await admin.connect()
    try {
      const existing = new Set(await admin.listTopics())
      const toCreate = missing.filter(t => !existing.has(t.name))
      if (toCreate.length) await admin.createTopics({ waitForLeaders: true, topics: toCreate.map(t => ({ topic: t.name, numPartitions: t.partitions })) })
      for (const t of missing) this.known.add(t.name)
    }
    finally {
      await admin.disconnect()
    }
  }

  async publish(topic: string, messages: OutgoingMessage[]) {
    await this.ensureTopics([{ name: topic, partitions: this.defaultPartitions }])
    await this.producer.send({ topic, acks: -1, messages: messages.map(m => ({ key: m.key, value: m.value, headers: m.headers })) })
  }

  async subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription> {
    await this.ensureTopics(options.topics.map(name => ({ name, partitions: this.defaultPartitions })))
    let stopped = false
    let current: Consumer | null = null
    const start = async (): Promise<Consumer> => {
      // A handler may wait up to 30 s for the persister (views wait for the state they show):
      // the session outlasts that, so a slow event does not cost the member its partitions.
      const consumer = this.kafka.consumer({ groupId: options.groupId, sessionTimeout: 45_000, rebalanceTimeout: 60_000, heartbeatInterval: 3000, allowAutoTopicCreation: false })
      // kafkajs restarts a consumer after a retriable crash by itself. After one it will not restart
      // (the group forgot this member, say, when the machine stalled) a new consumer joins in its
      // place: a worker must not sit idle while it looks alive.
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        console.warn(`[bus] ${options.groupId} consumer crashed (${payload.restart ? 'kafkajs restarts it' : 'rejoining with a new consumer'}): ${payload.error.message}`)
        if (payload.restart || stopped) return
        this.consumers.delete(consumer)
        void consumer.disconnect().catch(() => {}).then(() => sleep(1000)).then(async () => {
          if (stopped) return
          current = await start().catch((error) => {
            console.error(`[bus] ${options.groupId} could not rejoin: ${(error as Error).message}`)
            return null
          })
        })
      })
      await consumer.connect()
      await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false })
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          const delivered = {
            topic, partition, offset: message.offset, timestamp: Number(message.timestamp),
            key: message.key?.toString() ?? '', value: message.value?.toString() ?? '',
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v ?? '')])),
          }
          // Retrying here holds the partition: later messages wait, as in the embedded log.
          for (let attempt = 0; ; attempt++) {
            if (stopped) throw new Stopped('subscription stopped before the message was handled')
            try {
              await handler(delivered)
              break
            }
            catch (error) {
              if (stopped) throw error
              console.warn(`[bus] ${options.groupId} failed on ${topic}/${partition}@${message.offset}: ${(error as Error).message}`)
              await sleep(Math.min(MAX_BACKOFF_MS, 50 * 2 ** attempt))
              await heartbeat()
            }
          }
          await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }])
        },
      })
      this.consumers.add(consumer)
      return consumer
    }
    current = await start()
    return {
      stop: async () => {
        stopped = true
        const consumer = current
        if (!consumer) return
        this.consumers.delete(consumer)
        await consumer.disconnect()
      },
    }
  }

  async ping() {
    const admin = this.kafka.admin()
    try {
      await admin.connect()
      await admin.describeCluster()
      return true
    }
    catch {
      return false
    }
    finally {
      await admin.disconnect().catch(() => {})
    }
  }

  async close() {
    await Promise.allSettled([...this.consumers].map(c => c.disconnect()))
    await this.producer.disconnect()
  }
}
