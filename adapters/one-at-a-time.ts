import type { BatchHandler, DeliveredMessage, MessageHandler } from '../core/ports/event-bus'

/**
 * A message handler run over batches, one message after the other. A bus retries a failed batch
 * with the same array: the messages handled before the failure are not handed over again.
 */
export function oneAtATime(handler: MessageHandler): BatchHandler {
  const done = new WeakMap<DeliveredMessage[], number>()
  return async (messages) => {
    for (let i = done.get(messages) ?? 0; i < messages.length; i++) {
      await handler(messages[i]!)
      done.set(messages, i + 1)
    }
  }
}
