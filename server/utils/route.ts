import type { H3Event } from 'h3'
import { defineEventHandler, getRequestHeader, setResponseStatus } from 'h3'
import type { z } from 'zod'
import type { Actor, Domain } from '../../core/domain'
import type { RouteSpec } from '../../shared/api/contract'
import { httpError, paramsValidated, queryValidated, readValidated, toHttpError } from './api'
import { useDomain } from './domain'
import { getActor } from './session'
import { inRequest } from './request-id'

/** Request bodies are small JSON documents; media has its own upload route. */
export const MAX_BODY_BYTES = 64 * 1024

type Parsed<T> = T extends z.ZodType ? z.output<T> : undefined

export interface RouteContext<S extends RouteSpec> {
  event: H3Event
  actor: Actor | null
  domain: Domain
  params: Parsed<S['params']>
  query: Parsed<S['query']>
  body: Parsed<S['body']>
}

/**
 * A route handler bound to its contract: the contract's schemas validate the
 * input before the handler runs, and domain errors become HTTP errors.
 */
export function defineRoute<S extends RouteSpec, R>(spec: S, handler: (context: RouteContext<S>) => Promise<R>) {
  return defineEventHandler(async (event) => {
    try {
      const length = Number(getRequestHeader(event, 'content-length') ?? 0)
      if (length > MAX_BODY_BYTES) throw httpError(413, `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB`)
      const actor = await getActor(event)
      if (spec.auth && !actor) throw httpError(401, 'Sign in to do this')
      const params = spec.params ? paramsValidated(event, spec.params) : undefined
      const query = spec.query ? queryValidated(event, spec.query) : undefined
      const body = spec.body ? await readValidated(event, spec.body) : undefined
      const domain = await useDomain()
      // Inside the request's id: the events the handler publishes carry it.
      const context = { event, actor, domain, params, query, body } as RouteContext<S>
      const result = await inRequest(event, () => handler(context))
      if (spec.status) setResponseStatus(event, spec.status)
      return spec.status === 204 ? null : result
    }
    catch (error) {
      throw toHttpError(error)
    }
  })
}
