import { createHash } from 'node:crypto'
import type { Cache } from '../ports'

/** How long a key's first result is kept: long enough for a phone that was offline a day. */
export const IDEMPOTENCY_TTL_SECONDS = 48 * 3600
/** How long a claim holds while its request runs; a crashed request frees the key after this. */
export const CLAIM_TTL_SECONDS = 60

/** Keys clients send: a UUID or any token of letters, digits and `-_.:`, 8 to 128 characters. */
export const IDEMPOTENCY_KEY = /^[\w.:-]{8,128}$/

export interface StoredResult { fingerprint: string, body: unknown }

export type Claim
  = | { kind: 'first' }
    | { kind: 'replay', body: unknown }
    | { kind: 'in-progress' }
    | { kind: 'mismatch' }

const digest = (text: string) => createHash('sha256').update(text).digest('base64url')

/** What makes two requests "the same": method, path and body. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return digest(`${method.toUpperCase()} ${path}\n${JSON.stringify(body ?? null)}`)
}

/**
 * Exactly-once writes for retried requests (the offline outbox resends after a lost answer): the
 * first request with a key claims it, runs, and stores its answer; a later one with the same key
 * from the same person gets that answer back instead of writing again. Kept in the Cache port
 * (Redis on the real stack), so every app process sees the same claims. A failed request releases
 * its key: nothing was written, and the client may correct and resend.
 */
export class IdempotencyStore {
  constructor(private readonly cache: Pick<Cache, 'get' | 'set' | 'del' | 'batch'>) {}

  private keys(personId: string, key: string) {
    const base = `idempotency:${personId}:${digest(key)}`
    return { claim: `${base}:claim`, result: `${base}:result` }
  }

  async claim(personId: string, key: string, fingerprint: string): Promise<Claim> {
    const keys = this.keys(personId, key)
    // INCR is atomic: of two concurrent first requests exactly one sees 1. The claim only guards
    // a request in flight; the stored answer, when there is one, decides for every later request.
    const [count, , stored] = await this.cache.batch([['incrBy', keys.claim, 1], ['expire', keys.claim, CLAIM_TTL_SECONDS], ['get', keys.result]])
    if (typeof stored === 'string') {
      const result = JSON.parse(stored) as StoredResult
      return result.fingerprint === fingerprint ? { kind: 'replay', body: result.body } : { kind: 'mismatch' }
    }
    return count === 1 ? { kind: 'first' } : { kind: 'in-progress' }
  }

  /** Keeps the first request's answer for later requests with the same key. */
  async complete(personId: string, key: string, fingerprint: string, body: unknown): Promise<void> {
    const keys = this.keys(personId, key)
    await this.cache.set(keys.result, JSON.stringify({ fingerprint, body } satisfies StoredResult), IDEMPOTENCY_TTL_SECONDS)
  }

  async release(personId: string, key: string): Promise<void> {
    await this.cache.del(this.keys(personId, key).claim)
  }
}
