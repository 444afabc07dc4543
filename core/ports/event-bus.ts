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
}

/**
 * The handler resolves once its effect is durable; only then is the offset
 * committed. A handler that throws is retried (at-least-once delivery).
 */
export type MessageHandler = (message: DeliveredMessage) => Promise<void>

export interface Subscription { stop(): Promise<void> }

export interface EventBus {
  readonly kind: string
  ensureTopics(topics: TopicSpec[]): Promise<void>
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>
  subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription>
  ping(): Promise<boolean>
  close(): Promise<void>
}
