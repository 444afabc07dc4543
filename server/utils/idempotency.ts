import { createError, getRequestHeader, setResponseHeader } from 'h3'
import type { RouteSpec } from '../../shared/api/contract'
import { IDEMPOTENCY_KEY, IdempotencyStore, requestFingerprint } from '../../core/security/idempotency'
import type { RouteContext } from './route'
import { httpError } from './api'

/**
 * Wraps a write route's handler so a request carrying an `Idempotency-Key` header runs once per
 * person and key: a repeat (the outbox resending after a lost answer) gets the first answer back,
 * marked `Idempotent-Replayed: true`, and writes nothing. Without the header the route works as
 * before. The same key on a different request is refused (422); one still running answers 409.
 */
export function idempotent<S extends RouteSpec, R>(handler: (context: RouteContext<S>) => Promise<R>) {
  return async (context: RouteContext<S>): Promise<R> => {
    const { event, actor, domain } = context
    const key = getRequestHeader(event, 'idempotency-key')
    if (key === undefined || !actor) return handler(context)
    if (!IDEMPOTENCY_KEY.test(key)) throw httpError(400, 'The Idempotency-Key header must be 8 to 128 letters, digits or -_.: characters')
    const store = new IdempotencyStore(domain.ports.cache)
    const fingerprint = requestFingerprint(event.method, event.path.split('?')[0]!, context.body)
    const claim = await store.claim(actor.id, key, fingerprint)
    if (claim.kind === 'replay') {
      setResponseHeader(event, 'Idempotent-Replayed', 'true')
      return claim.body as R
    }
    if (claim.kind === 'mismatch') throw createError({ statusCode: 422, statusMessage: 'Unprocessable Content', message: 'This Idempotency-Key was already used for a different request' })
    if (claim.kind === 'in-progress') {
      setResponseHeader(event, 'Retry-After', '1')
      throw httpError(409, 'A request with this Idempotency-Key is still being handled; try again in a moment')
    }
    try {
      const result = await handler(context)
      await store.complete(actor.id, key, fingerprint, result)
      return result
    }
    catch (error) {
      await store.release(actor.id, key)
      throw error
    }
  }
}
