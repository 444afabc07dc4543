/**
 * The event bus port: Kafka's model, narrowed to what the system uses.
 * Topics have partitions; a message's key picks its partition, so messages
 * with one key keep their order. Consumer groups share a topic's partitions
 * and resume from their committed offsets.
 */
export interface OutgoingMessage {
  key: string
  value: string
  headers?: Record<string, string>
}

export interface DeliveredMessage extends OutgoingMessage {
  topic: string
  partition: number
  offset: string
  timestamp: number
}

export interface TopicSpec { name: string, partitions: number }

export interface SubscribeOptions {
  groupId: string
  topics: string[]
  /** Where a group with no committed offset starts. */
  fromBeginning?: boolean
  /** Most messages handed to a batch handler at once (default 500). */
  maxBatch?: number
  /**
   * Resolve only once the group has its partitions (bounded): a subscriber that starts at the end
   * of the log and must not miss what is published after `subscribe` returns asks for this.
   */
  awaitAssignment?: boolean
}

/**
 * The handler resolves once its effect is durable; only then is the offset
 * committed. A handler that throws is retried (at-least-once delivery).
 */
export type MessageHandler = (message: DeliveredMessage) => Promise<void>

/**
 * A batch: consecutive messages of one partition, in order, at most `maxBatch` of them, as many
 * as had arrived. The handler resolves once the effects of all of them are durable; then the
 * offset after the last one is committed, once for the batch. A handler that throws gets the same
 * batch again (at-least-once delivery); later messages of the partition wait.
 */
export type BatchHandler = (messages: DeliveredMessage[], position?: BatchPosition) => Promise<void>

/** Where a batch stands in its partition, given by a bus that knows it without asking the broker. */
export interface BatchPosition {
  /** The offset the partition's next message will get (Kafka's high watermark): the lag is what lies between. */
  highWatermark: string
}

export interface Subscription { stop(): Promise<void> }

export interface EventBus {
  readonly kind: string
  ensureTopics(topics: TopicSpec[]): Promise<void>
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>
  subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription>
  subscribeBatch(options: SubscribeOptions, handler: BatchHandler): Promise<Subscription>
  ping(): Promise<boolean>
  close(): Promise<void>
}
