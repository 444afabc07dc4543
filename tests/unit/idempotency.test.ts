import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EmbeddedCache } from '../../adapters/embedded/cache'
import { IDEMPOTENCY_KEY, IdempotencyStore, requestFingerprint } from '../../core/security/idempotency'

const freshStore = () => new IdempotencyStore(new EmbeddedCache(join(mkdtempSync(join(tmpdir(), 'c18n-idem-')), 'cache.json')))
const post = requestFingerprint('POST', '/api/communities/tea/posts', { title: 'Oolong', body: 'Rolled leaves' })

describe('idempotency store', () => {
  it('lets the first request run, makes a concurrent twin wait and a later one replay the stored answer', async () => {
    const store = freshStore()
    const [first, twin] = await Promise.all([store.claim('u1', 'key-0001', post), store.claim('u1', 'key-0001', post)])
    expect([first.kind, twin.kind].sort()).toEqual(['first', 'in-progress'])
    await store.complete('u1', 'key-0001', post, { id: 'p1' })
    expect(await store.claim('u1', 'key-0001', post)).toEqual({ kind: 'replay', body: { id: 'p1' } })
  })

  it('keeps keys apart per person and refuses a key reused for a different request', async () => {
    const store = freshStore()
    expect((await store.claim('u1', 'key-0002', post)).kind).toBe('first')
    await store.complete('u1', 'key-0002', post, { id: 'p2' })
    expect((await store.claim('u2', 'key-0002', post)).kind).toBe('first')
    const other = requestFingerprint('POST', '/api/communities/tea/posts', { title: 'Sencha', body: 'Steamed' })
    expect((await store.claim('u1', 'key-0002', other)).kind).toBe('mismatch')
  })

  it('frees the key of a request that failed, so a corrected retry runs', async () => {
    const store = freshStore()
    expect((await store.claim('u1', 'key-0003', post)).kind).toBe('first')
    await store.release('u1', 'key-0003')
    expect((await store.claim('u1', 'key-0003', post)).kind).toBe('first')
  })

  it('accepts UUIDs and refuses short or odd keys', () => {
    expect(IDEMPOTENCY_KEY.test('6f1c2a9e-7d0b-4f5e-9a61-2b3c4d5e6f70')).toBe(true)
    expect(IDEMPOTENCY_KEY.test('short')).toBe(false)
    expect(IDEMPOTENCY_KEY.test('has space in it')).toBe(false)
  })
})
