import { EventEmitter } from 'node:events'
import { randomUUID } from 'node:crypto'
import type { DatabaseSync } from 'node:sqlite'
import type { BatchHandler, DeliveredMessage, EventBus, MessageHandler, OutgoingMessage, SubscribeOptions, Subscription, TopicSpec } from '../../core/ports/event-bus'
import { oneAtATime } from '../one-at-a-time'
import { setTimeout as sleep } from 'node:timers/promises'
import { partitionFor } from './partition'
import { inTransaction, openDatabase } from './sqlite'

const POLL_MS = 250
const BATCH = 200
const MAX_BACKOFF_MS = 5000

/**
 * A partitioned, durable log in SQLite with consumer groups and committed
 * offsets: Kafka's semantics for one process. Members of one group split a
 * topic's partitions between them.
 */
export class EmbeddedEventBus implements EventBus {
  readonly kind = 'embedded-log'
  private readonly db: DatabaseSync
  private readonly wakeUp = new EventEmitter().setMaxListeners(0)
  private readonly members = new Map<string, string[]>()
  private readonly running = new Set<Subscription>()
  // The log's state kept in memory as well, so that a consumer's idle partitions cost no query:
  // partition counts, the last offset of each partition, each group's committed offsets.
  private readonly partitionCounts = new Map<string, number>()
  private readonly ends = new Map<string, number>()
  private readonly offsets = new Map<string, number>()

  // Statements prepared once: the log's hot paths (publish, fetch, commit) compile no SQL.
  private readonly statements: ReturnType<EmbeddedEventBus['prepare']>

  constructor(file: string, private readonly defaultPartitions = 3) {
    this.db = openDatabase(file)
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS topics (name TEXT PRIMARY KEY, partitions INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS messages (topic TEXT, partition INTEGER, offset INTEGER, key TEXT, value TEXT, headers TEXT, ts INTEGER,
        PRIMARY KEY (topic, partition, offset));
      CREATE TABLE IF NOT EXISTS offsets (grp TEXT, topic TEXT, partition INTEGER, offset INTEGER, PRIMARY KEY (grp, topic, partition));`)
    this.statements = this.prepare()
  }

  private prepare() {
    return {
      insert: this.db.prepare('INSERT INTO messages (topic, partition, offset, key, value, headers, ts) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      last: this.db.prepare('SELECT COALESCE(MAX(offset), -1) AS last FROM messages WHERE topic = ? AND partition = ?'),
      fetch: this.db.prepare('SELECT * FROM messages WHERE topic = ? AND partition = ? AND offset > ? ORDER BY offset LIMIT ?'),
      commit: this.db.prepare('INSERT INTO offsets (grp, topic, partition, offset) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET offset = excluded.offset'),
      committed: this.db.prepare('SELECT offset FROM offsets WHERE grp = ? AND topic = ? AND partition = ?'),
    }
  }

  async ensureTopics(topics: TopicSpec[]) {
    const insert = this.db.prepare('INSERT OR IGNORE INTO topics (name, partitions) VALUES (?, ?)')
    for (const topic of topics) insert.run(topic.name, topic.partitions)
  }

  private partitionsOf(topic: string): number {
    const known = this.partitionCounts.get(topic)
    if (known) return known
    this.db.prepare('INSERT OR IGNORE INTO topics (name, partitions) VALUES (?, ?)').run(topic, this.defaultPartitions)
    const count = Number(this.db.prepare('SELECT partitions FROM topics WHERE name = ?').get(topic)!.partitions)
    this.partitionCounts.set(topic, count)
    return count
  }

  private endOf(topic: string, partition: number): number {
    const key = `${topic}/${partition}`
    let end = this.ends.get(key)
    if (end === undefined) {
      end = Number(this.statements.last.get(topic, partition)!.last)
      this.ends.set(key, end)
    }
    return end
  }

  async publish(topic: string, messages: OutgoingMessage[]) {
    const partitions = this.partitionsOf(topic)
    const written = new Map<string, number>()
    inTransaction(this.db, () => {
      const now = Date.now()
      for (const message of messages) {
        const partition = partitionFor(message.key, partitions)
        // The last offset is read once per partition and transaction, then counted on.
        const key = `${topic}/${partition}`
        const offset = (written.get(key) ?? Number(this.statements.last.get(topic, partition)!.last)) + 1
        this.statements.insert.run(topic, partition, offset, message.key, message.value, JSON.stringify(message.headers ?? {}), now)
        written.set(key, offset)
      }
    })
    for (const [key, offset] of written) this.ends.set(key, offset)
    this.wakeUp.emit(topic)
  }

  /** The partitions this member owns: an even share of the group's members. */
  private assigned(groupId: string, memberId: string, topic: string): number[] {
    const members = this.members.get(groupId) ?? []
    const index = members.indexOf(memberId)
    const count = this.partitionsOf(topic)
    return Array.from({ length: count }, (_, p) => p).filter(p => p % members.length === index)
  }

  private committed(groupId: string, topic: string, partition: number, fromBeginning: boolean): number {
    const cached = this.offsets.get(`${groupId}/${topic}/${partition}`)
    if (cached !== undefined) return cached
    const row = this.statements.committed.get(groupId, topic, partition)
    if (row) {
      this.offsets.set(`${groupId}/${topic}/${partition}`, Number(row.offset))
      return Number(row.offset)
    }
    if (fromBeginning) return -1
    const end = this.endOf(topic, partition)
    this.commit(groupId, topic, partition, end)
    return end
  }

  private commit(groupId: string, topic: string, partition: number, offset: number) {
    this.statements.commit.run(groupId, topic, partition, offset)
    this.offsets.set(`${groupId}/${topic}/${partition}`, offset)
  }

  private fetch(topic: string, partition: number, after: number, limit: number): DeliveredMessage[] {
    return this.statements.fetch.all(topic, partition, after, limit)
      .map(row => ({
        topic, partition, offset: String(row.offset), key: row.key as string, value: row.value as string,
        headers: JSON.parse(row.headers as string) as Record<string, string>, timestamp: Number(row.ts),
      }))
  }

  /** One message at a time: batches of one, each committed once handled. */
  async subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription> {
    return this.subscribeBatch({ ...options, maxBatch: 1 }, oneAtATime(handler))
  }

  async subscribeBatch(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription> {
    const maxBatch = options.maxBatch ?? BATCH
    const memberId = randomUUID()
    this.members.set(options.groupId, [...(this.members.get(options.groupId) ?? []), memberId])
    for (const topic of options.topics) this.partitionsOf(topic)
    let stopped = false
    let wake: () => void = () => {}
    const onPublish = () => wake()
    for (const topic of options.topics) this.wakeUp.on(topic, onPublish)

    /** A batch of one partition; its offset is committed once, after the handler. */
    const deliver = async (batch: DeliveredMessage[]) => {
      const last = batch.at(-1)!
      for (let attempt = 0; !stopped; attempt++) {
        try {
          await handler(batch, { highWatermark: String(this.endOf(last.topic, last.partition) + 1) })
          this.commit(options.groupId, last.topic, last.partition, Number(last.offset))
          return
        }
        catch (error) {
          console.warn(`[bus] ${options.groupId} failed on ${last.topic}/${last.partition}@${batch[0]!.offset}+${batch.length}: ${(error as Error).message}`)
          await sleep(Math.min(MAX_BACKOFF_MS, 50 * 2 ** attempt))
        }
      }
    }

    const loop = (async () => {
      while (!stopped) {
        let delivered = 0
        for (const topic of options.topics) {
          for (const partition of this.assigned(options.groupId, memberId, topic)) {
            const after = this.committed(options.groupId, topic, partition, options.fromBeginning ?? false)
            if (after >= this.endOf(topic, partition)) continue
            if (stopped) break
            const batch = this.fetch(topic, partition, after, maxBatch)
            if (!batch.length) continue
            await deliver(batch)
            delivered += batch.length
            // The web server shares this event loop in embedded mode: requests and sockets get a
            // turn between batches.
            await new Promise(resolve => setImmediate(resolve))
          }
        }
        if (!delivered && !stopped) {
          const published = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), POLL_MS)
            wake = () => {
              clearTimeout(timer)
              resolve(true)
            }
          })
          // Woken by the clock rather than a publish here: another process may have written.
          if (!published) for (const topic of options.topics) for (let p = 0; p < this.partitionsOf(topic); p++) this.ends.delete(`${topic}/${p}`)
        }
      }
    })()

    const subscription: Subscription = {
      stop: async () => {
        stopped = true
        wake()
        await loop
        for (const topic of options.topics) this.wakeUp.off(topic, onPublish)
        this.members.set(options.groupId, (this.members.get(options.groupId) ?? []).filter(m => m !== memberId))
        this.running.delete(subscription)
      },
    }
    this.running.add(subscription)
    return subscription
  }

  async ping() {
    return this.db.isOpen
  }

  async close() {
    await Promise.all([...this.running].map(s => s.stop()))
    if (this.db.isOpen) this.db.close()
  }
}
