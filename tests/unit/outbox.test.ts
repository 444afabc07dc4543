import { describe, expect, it } from 'vitest'
import { type OutboxItem, type OutboxStore, type SendOutcome, flushOutbox, retryable } from '../../app/utils/outbox'
import { ownerChanged } from '../../app/utils/offline-data'

function memoryStore(items: OutboxItem[]): OutboxStore & { items: OutboxItem[] } {
  return {
    items,
    async list() { return [...this.items] },
    async remove(seq) { this.items = this.items.filter(item => item.seq !== seq) },
    async refuse(seq, reason) { this.items = this.items.map(item => item.seq === seq ? { ...item, state: 'refused', reason } : item) },
  }
}

const item = (seq: number, place: string, text: string): OutboxItem => ({
  seq, key: `key-${seq}-xxxxxxxx`, createdAt: seq, state: 'pending', route: 'sendMessage', params: { roomId: place }, body: { body: text }, place, label: text,
})

describe('outbox flush', () => {
  it('sends in the order of making within a place, and keeps a place stopped behind a write that must wait', async () => {
    // Made out of order across two rooms; the store lists them as IndexedDB would, by key.
    const store = memoryStore([item(3, 'room:b', 'b1'), item(1, 'room:a', 'a1'), item(4, 'room:a', 'a3'), item(2, 'room:a', 'a2'), item(5, 'room:b', 'b2')])
    const sentOrder: string[] = []
    const send = async (each: OutboxItem): Promise<SendOutcome> => {
      if (each.label === 'b1') return { kind: 'later' }
      sentOrder.push(each.label)
      return { kind: 'sent', result: { id: each.label } }
    }
    const { waiting } = await flushOutbox(store, send)
    expect(sentOrder).toEqual(['a1', 'a2', 'a3'])
    expect(waiting).toBe(true)
    expect(store.items.map(each => each.label).sort()).toEqual(['b1', 'b2'])
  })

  it('keeps a refused write with its reason and still sends the next one in its place', async () => {
    const store = memoryStore([item(1, 'room:a', 'too long'), item(2, 'room:a', 'fine')])
    const sent: unknown[] = []
    const send = async (each: OutboxItem): Promise<SendOutcome> => each.label === 'too long' ? { kind: 'refused', reason: 'body: too long' } : { kind: 'sent', result: each.label }
    const { waiting } = await flushOutbox(store, send, (_, result) => sent.push(result))
    expect(waiting).toBe(false)
    expect(sent).toEqual(['fine'])
    expect(store.items).toEqual([expect.objectContaining({ label: 'too long', state: 'refused', reason: 'body: too long' })])
    // A refused write is not tried again by the next flush.
    const again = await flushOutbox(store, async () => { throw new Error('must not be sent') })
    expect(again.waiting).toBe(false)
  })

  it('tells a write to retry later from one the server refused', () => {
    expect([undefined, 500, 503, 408, 409, 429].every(retryable)).toBe(true)
    expect([400, 401, 403, 404, 413, 422].some(retryable)).toBe(false)
  })
})

describe('offline data owner', () => {
  it('clears what another person (or a signed-out one) left, and lets the first person claim an empty device', () => {
    expect(ownerChanged(null, 'u1')).toBe(false)
    expect(ownerChanged('u1', 'u1')).toBe(false)
    expect(ownerChanged('u1', 'u2')).toBe(true)
    expect(ownerChanged('u1', null)).toBe(true)
  })
})
