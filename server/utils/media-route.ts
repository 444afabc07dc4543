import type { H3Event } from 'h3'
import { defineEventHandler, getRequestWebStream } from 'h3'
import type { Actor, Domain } from '../../core/domain'
import { mediaParamsSchema } from '../../shared/schemas/media'
import { paramsValidated, toHttpError } from './api'
import { useDomain } from './domain'
import { getActor } from './session'
import { inRequest } from './request-id'

/**
 * The two media routes that move bytes rather than JSON (the embedded upload and the read),
 * outside the JSON contract: the same session, parameter checks and error mapping as the others.
 */
export function defineMediaRoute<R>(handler: (context: { event: H3Event, actor: Actor | null, domain: Domain, id: string }) => Promise<R>) {
  return defineEventHandler(async (event) => {
    try {
      const { id } = paramsValidated(event, mediaParamsSchema)
      const context = { event, actor: await getActor(event), domain: await useDomain(), id }
      return await inRequest(event, () => handler(context))
    }
    catch (error) {
      throw toHttpError(error)
    }
  })
}

/** The request body, up to `limit` bytes; null as soon as it passes them (the rest is not read). */
export async function readBodyUpTo(event: H3Event, limit: number): Promise<Uint8Array | null> {
  const stream = getRequestWebStream(event)
  if (!stream) return new Uint8Array()
  const chunks: Uint8Array[] = []
  let total = 0
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > limit) {
      await reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  const body = new Uint8Array(total)
  let at = 0
  for (const chunk of chunks) {
    body.set(chunk, at)
    at += chunk.byteLength
  }
  return body
}
