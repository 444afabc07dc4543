import type { H3Event } from 'h3'
import { createError, getQuery, getRouterParams, readBody } from 'h3'
import type { z } from 'zod'
import { DomainError } from '../../core/domain/errors'

const STATUS: Record<DomainError['kind'], number> = { unauthenticated: 401, forbidden: 403, not_found: 404, conflict: 409, invalid: 400, accepted: 202, gone: 410, too_large: 413, unsupported_type: 415, rate_limited: 429 }
const REASON: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 410: 'Gone', 413: 'Content Too Large', 415: 'Unsupported Media Type', 429: 'Too Many Requests' }

/** An HTTP error whose message says what went wrong in plain words. */
export function httpError(statusCode: number, message: string, data?: { fieldErrors?: Record<string, string[]> }) {
  return createError({ statusCode, statusMessage: REASON[statusCode] ?? 'Error', message, data })
}

function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {}
  for (const issue of error.issues) {
    const path = issue.path.join('.') || '(body)'
    ;(fields[path] ??= []).push(issue.message)
  }
  return fields
}

function invalid(where: string, error: z.ZodError) {
  const fields = fieldErrors(error)
  const summary = Object.entries(fields).map(([field, messages]) => `${field}: ${messages.join(', ')}`).join('; ')
  return httpError(400, `Invalid ${where}: ${summary}`, { fieldErrors: fields })
}

/** Turns domain failures into HTTP errors; anything else stays a 500 and is logged by Nitro. */
export function toHttpError(error: unknown): unknown {
  if (error instanceof DomainError) {
    return httpError(STATUS[error.kind], error.message, error.fieldErrors ? { fieldErrors: error.fieldErrors } : undefined)
  }
  return error
}

export async function readValidated<T extends z.ZodType>(event: H3Event, schema: T): Promise<z.output<T>> {
  let body: unknown
  try {
    body = await readBody(event)
  }
  catch {
    throw httpError(400, 'The request body is not valid JSON')
  }
  const result = schema.safeParse(body ?? {})
  if (!result.success) throw invalid('body', result.error)
  return result.data
}

export function queryValidated<T extends z.ZodType>(event: H3Event, schema: T): z.output<T> {
  const result = schema.safeParse(getQuery(event))
  if (!result.success) throw invalid('query', result.error)
  return result.data
}

export function paramsValidated<T extends z.ZodType>(event: H3Event, schema: T): z.output<T> {
  const result = schema.safeParse(getRouterParams(event, { decode: true }))
  if (!result.success) throw invalid('address', result.error)
  return result.data
}
