import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DeliveredMessage, EventBus } from '../../../core/ports'
import { eventually, unique } from './wait'

/** What every event bus must do: ordered per key, durable offsets per group, redelivery on failure. */
export function eventBusContract(label: string, open: () => Promise<EventBus>) {
  describe(`event bus contract: ${label}`, () => {
    let bus: EventBus
    beforeAll(async () => { bus = await open() })
    afterAll(async () => { await bus?.close() })

    it('delivers every message of a key in the order it was published', async () => {
      const topic = unique('contract.order')
      await bus.ensureTopics([{ name: topic, partitions: 3 }])
      const seen: DeliveredMessage[] = []
      const sub = await bus.subscribe({ groupId: unique('g'), topics: [topic], fromBeginning: true }, async (m) => { seen.push(m) })
      for (let i = 0; i < 20; i++) await bus.publish(topic, [{ key: `k${i % 4}`, value: String(i), headers: { n: String(i) } }])
      await eventually(() => expect(seen).toHaveLength(20), 30_000)
      await sub.stop()
      for (const key of ['k0', 'k1', 'k2', 'k3']) {
        const values = seen.filter(m => m.key === key).map(m => Number(m.value))
        expect(values).toEqual([...values].sort((a, b) => a - b))
      }
      expect(seen.find(m => m.value === '7')!.headers).toMatchObject({ n: '7' })
      expect(seen.every(m => m.topic === topic && m.timestamp > 0)).toBe(true)
    })

    it('resumes a group from its committed offset, and gives every group every message', async () => {
      const topic = unique('contract.resume')
      await bus.ensureTopics([{ name: topic, partitions: 2 }])
      const group = unique('g')
      const first: string[] = []
      let sub = await bus.subscribe({ groupId: group, topics: [topic], fromBeginning: true }, async (m) => { first.push(m.value) })
      await bus.publish(topic, [{ key: 'a', value: '1' }, { key: 'b', value: '2' }])
      await eventually(() => expect(first.sort()).toEqual(['1', '2']), 30_000)
      await sub.stop()

      await bus.publish(topic, [{ key: 'a', value: '3' }])
      const second: string[] = []
      sub = await bus.subscribe({ groupId: group, topics: [topic], fromBeginning: true }, async (m) => { second.push(m.value) })
      await eventually(() => expect(second).toEqual(['3']), 30_000)
      await sub.stop()

      const other: string[] = []
      const sub2 = await bus.subscribe({ groupId: unique('other'), topics: [topic], fromBeginning: true }, async (m) => { other.push(m.value) })
      await eventually(() => expect(other.sort()).toEqual(['1', '2', '3']), 30_000)
      await sub2.stop()
    })

    it('redelivers a message whose handler failed, and holds back later ones of its partition', async () => {
      const topic = unique('contract.retry')
      await bus.ensureTopics([{ name: topic, partitions: 1 }])
      const attempts: string[] = []
      let failOnce = true
      const sub = await bus.subscribe({ groupId: unique('g'), topics: [topic], fromBeginning: true }, async (m) => {
        attempts.push(m.value)
        if (m.value === 'x' && failOnce) {
          failOnce = false
          throw new Error('transient failure')
        }
      })
      await bus.publish(topic, [{ key: 'k', value: 'x' }, { key: 'k', value: 'y' }])
      await eventually(() => expect(attempts).toEqual(['x', 'x', 'y']), 30_000)
      await sub.stop()
    })

    it('delivers batches of one partition in order, commits once per batch, and redelivers a failed batch', async () => {
      const topic = unique('contract.batch')
      await bus.ensureTopics([{ name: topic, partitions: 2 }])
      const group = unique('g')
      const batches: DeliveredMessage[][] = []
      let failOnce = true
      let sub = await bus.subscribeBatch({ groupId: group, topics: [topic], fromBeginning: true, maxBatch: 10 }, async (messages) => {
        batches.push(messages)
        if (failOnce && messages.some(m => m.value === '5')) {
          failOnce = false
          throw new Error('transient failure')
        }
      })
      await bus.publish(topic, Array.from({ length: 30 }, (_, i) => ({ key: `k${i % 3}`, value: String(i) })))
      const handled = () => new Set(batches.flat().map(m => m.value))
      await eventually(() => expect(handled().size).toBe(30), 30_000)
      await sub.stop()
      expect(failOnce).toBe(false)
      for (const batch of batches) {
        expect(batch.length).toBeLessThanOrEqual(10)
        expect(new Set(batch.map(m => m.partition)).size).toBe(1)
        const offsets = batch.map(m => Number(m.offset))
        expect(offsets).toEqual(offsets.map((_, i) => offsets[0]! + i))
      }
      // The failed batch came again whole, with its message '5'.
      expect(batches.filter(b => b.some(m => m.value === '5'))).toHaveLength(2)
      // Committed: the group resumes after everything, with only what comes next.
      await bus.publish(topic, [{ key: 'k0', value: 'later' }])
      const after: string[] = []
      sub = await bus.subscribeBatch({ groupId: group, topics: [topic], fromBeginning: true }, async (messages) => { after.push(...messages.map(m => m.value)) })
      await eventually(() => expect(after).toEqual(['later']), 30_000)
      await sub.stop()
    })

    it('tells a batch handler its partition\'s high watermark, from which its lag is counted', async () => {
      const topic = unique('contract.watermark')
      await bus.ensureTopics([{ name: topic, partitions: 1 }])
      await bus.publish(topic, Array.from({ length: 7 }, (_, i) => ({ key: 'k', value: String(i) })))
      const seen: Array<{ last: number, highWatermark?: string }> = []
      const sub = await bus.subscribeBatch({ groupId: unique('g'), topics: [topic], fromBeginning: true, maxBatch: 3 }, async (messages, position) => {
        seen.push({ last: Number(messages.at(-1)!.offset), highWatermark: position?.highWatermark })
      })
      await eventually(() => expect(seen.at(-1)?.last).toBe(6), 30_000)
      await sub.stop()
      // All seven were there before the group joined: every batch is told the partition ends at 7.
      expect(seen.map(b => b.highWatermark)).toEqual(seen.map(() => '7'))
    })

    it('answers ping', async () => {
      expect(await bus.ping()).toBe(true)
    })
  })
}
