import type { z } from 'zod'
import { api as contract } from '~~/shared/api/contract'
import type { Api, ResponseOf } from '~~/shared/api/contract'

/**
 * Requests to the app's own API, typed by the contract (shared/api/contract.ts): a route is named
 * by its key, its path, method and answer come from the contract, so the UI never spells out a
 * result type of its own and a changed schema shows up in the pages that use it.
 */
export type RouteKey = keyof Api
export type { ResponseOf }

type Part<K extends RouteKey, P extends 'params' | 'query' | 'body'> = Api[K] extends Record<P, z.ZodType> ? z.input<Api[K][P]> : undefined
export type ParamsOf<K extends RouteKey> = Part<K, 'params'>
export type QueryOf<K extends RouteKey> = Part<K, 'query'>
export type BodyOf<K extends RouteKey> = Part<K, 'body'>

/** The routes that read (GET): the ones a page may load with useApiData. */
export type ReadKey = { [K in RouteKey]: Api[K]['method'] extends 'get' ? K : never }[RouteKey]

/** What a request to route K carries: path parameters and a body where the route has them. */
export type ApiRequest<K extends RouteKey>
  = & (ParamsOf<K> extends undefined ? { params?: undefined } : { params: ParamsOf<K> })
    & (QueryOf<K> extends undefined ? { query?: undefined } : { query?: QueryOf<K> })
    & (BodyOf<K> extends undefined ? { body?: undefined } : { body: BodyOf<K> })
    & { headers?: Record<string, string> }

/** The request argument may be left out where the route needs nothing. */
export type RequestArgs<K extends RouteKey> = object extends ApiRequest<K> ? [request?: ApiRequest<K>] : [request: ApiRequest<K>]

/**
 * The contract's path with its `{name}` parameters filled in. Parameters are identifiers the
 * server's schemas check (slugs, ids, handles, room ids such as `group:…`) and go in as they are,
 * as the hand-built URLs did before.
 */
export function apiPath(route: RouteKey, params?: unknown): string {
  const values = (params ?? {}) as Record<string, unknown>
  return contract[route].path.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name]))
}
