import type { BatchHandler, EventBus, SubscribeOptions } from '../ports'
import { batchDuration, batchSize, consumerLag } from './metrics'

/**
 * The bus as the pipeline's consumers see it, measured: each batch's size and handling time per
 * consumer group, and the partition's lag after it when the bus tells where the batch stands.
 * It only watches: what the handler does and when offsets are committed are the bus's own.
 */
export function observedBus(bus: EventBus): EventBus {
  const measured = (options: SubscribeOptions, handler: BatchHandler): BatchHandler => async (messages, position) => {
    const group = options.groupId
    const started = performance.now()
    try {
      await handler(messages, position)
    }
    catch (error) {
      batchDuration.observe({ group, outcome: 'failed' }, (performance.now() - started) / 1000)
      throw error
    }
    batchDuration.observe({ group, outcome: 'handled' }, (performance.now() - started) / 1000)
    batchSize.observe({ group }, messages.length)
    const last = messages.at(-1)
    if (last && position) {
      const behind = Number(position.highWatermark) - Number(last.offset) - 1
      consumerLag.set({ group, topic: last.topic, partition: String(last.partition) }, Math.max(0, behind))
    }
  }
  return {
    get kind() { return bus.kind },
    ensureTopics: topics => bus.ensureTopics(topics),
    publish: (topic, messages) => bus.publish(topic, messages),
    subscribe: (options, handler) => bus.subscribe(options, handler),
    subscribeBatch: (options, handler) => bus.subscribeBatch(options, measured(options, handler)),
    ping: () => bus.ping(),
    close: () => bus.close(),
  }
}
