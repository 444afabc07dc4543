import { Kafka, type Consumer, type Producer, Partitioners, logLevel } from 'kafkajs'
import type { BatchHandler, EventBus, MessageHandler, OutgoingMessage, SubscribeOptions, Subscription, TopicSpec } from '../../core/ports/event-bus'
import { oneAtATime } from '../one-at-a-time'
import { setTimeout as sleep } from 'node:timers/promises'

const MAX_BACKOFF_MS = 5000
const DEFAULT_MAX_BATCH = 500
/**
 * Partitions whose batches a consumer hands on at once. The pipeline's jobs put the batches that
 * arrive together into one call (group commit), so this bounds how large that call can get: with
 * a few events per partition per fetch, six partitions made calls of fifteen events.
 */
const PARTITIONS_CONCURRENTLY = Number(process.env.C18N_KAFKA_PARTITIONS_CONCURRENTLY ?? 64)
const HEARTBEAT_MS = 2000

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
  private readonly queued: Array<{ topic: string, messages: OutgoingMessage[], resolve: () => void, reject: (error: Error) => void }> = []
  private sending: Promise<void> | null = null

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

  /**
   * Group commit: one produce request at a time (the idempotent producer serialises them anyway);
   * whatever is published while it is in flight waits and goes together in the next one. Each
   * caller resolves once its own messages are acknowledged by all in-sync replicas.
   */
  async publish(topic: string, messages: OutgoingMessage[]) {
    await this.ensureTopics([{ name: topic, partitions: this.defaultPartitions }])
    if (!messages.length) return
    await new Promise<void>((resolve, reject) => {
      this.queued.push({ topic, messages, resolve, reject })
      this.sendQueued()
    })
  }

  private sendQueued() {
    if (this.sending || !this.queued.length) return
    const requests = this.queued.splice(0)
    const byTopic = new Map<string, Array<{ key: string, value: string, headers?: Record<string, string> }>>()
    for (const { topic, messages } of requests) {
      const list = byTopic.get(topic) ?? []
      for (const m of messages) list.push({ key: m.key, value: m.value, headers: m.headers })
      byTopic.set(topic, list)
    }
    this.sending = this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) })
      .then(() => { for (const r of requests) r.resolve() }, (error: Error) => { for (const r of requests) r.reject(error) })
      .finally(() => {
        this.sending = null
        this.sendQueued()
      })
  }

  /** One message at a time: batches of one, each committed once handled. */
  async subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription> {
    return this.subscribeBatch({ ...options, maxBatch: 1 }, oneAtATime(handler))
  }

  async subscribeBatch(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    await this.ensureTopics(options.topics.map(name => ({ name, partitions: this.defaultPartitions })))
    const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH
    let stopped = false
    let current: Consumer | null = null
    const start = async (): Promise<Consumer> => {
      // Handlers no longer wait for other groups, and a batch heartbeats between its parts: a short
      // session lets a restarted worker take over a killed one's partitions within seconds.
      const consumer = this.kafka.consumer({ groupId: options.groupId, sessionTimeout: 30_000, rebalanceTimeout: 60_000, heartbeatInterval: HEARTBEAT_MS, maxWaitTimeInMs: 500, allowAutoTopicCreation: false })
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
      const joined = new Promise<void>(resolve => consumer.on(consumer.events.GROUP_JOIN, () => resolve()))
      await consumer.connect()
      await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? false })
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // Every partition of the group's topics is worked on at once: one slow partition does not
        // hold up the others, and ordering within a partition is kept.
        partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
        eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
          const { topic, partition } = batch
          const all = batch.messages.map(message => ({
            topic, partition, offset: message.offset, timestamp: Number(message.timestamp),
            key: message.key?.toString() ?? '', value: message.value?.toString() ?? '',
            headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(Array.isArray(v) ? v[0] : v ?? '')])),
          }))
          for (let i = 0; i < all.length; i += maxBatch) {
            if (!isRunning() || isStale()) return
            const part = all.slice(i, i + maxBatch)
            // Retrying here holds the partition: later messages wait, as in the embedded log.
            for (let attempt = 0; ; attempt++) {
              if (stopped) throw new Stopped('subscription stopped before the batch was handled')
              // A long batch (a first load, a slow store) keeps the member's session alive meanwhile.
              const beat = setInterval(() => void heartbeat().catch(() => {}), HEARTBEAT_MS)
              try {
                await handler(part, { highWatermark: batch.highWatermark })
                break
              }
              catch (error) {
                if (stopped) throw error
                console.warn(`[bus] ${options.groupId} failed on ${topic}/${partition}@${part[0]!.offset}+${part.length}: ${(error as Error).message}`)
                await sleep(Math.min(MAX_BACKOFF_MS, 50 * 2 ** attempt))
                await heartbeat()
              }
              finally {
                clearInterval(beat)
              }
            }
            const last = part.at(-1)!.offset
            await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }])
            resolveOffset(last)
            await heartbeat()
          }
        },
      })
      this.consumers.add(consumer)
      if (options.awaitAssignment) await Promise.race([joined, sleep(30_000)])
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
    await this.sending
    await Promise.allSettled([...this.consumers].map(c => c.disconnect()))
    await this.producer.disconnect()
  }
}
