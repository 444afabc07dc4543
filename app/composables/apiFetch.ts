import { api as contract } from '~~/shared/api/contract'
import type { RouteSpec } from '~~/shared/api/contract'
import type { RequestArgs, ResponseOf, RouteKey } from '~/utils/api'

// Beside the composables rather than in utils/: it needs Nuxt's $fetch, and utils/ is also compiled
// with the tests, where there is none.

/** One request to a contract route; resolves with the body its response schema describes. */
export async function apiFetch<K extends RouteKey>(route: K, ...[request]: RequestArgs<K>): Promise<ResponseOf<K>> {
  const spec: RouteSpec = contract[route]
  const result = await $fetch<unknown>(apiPath(route, request?.params), {
    ...(spec.method === 'get' ? {} : { method: spec.method.toUpperCase() as Uppercase<RouteSpec['method']> }),
    ...(request?.query ? { query: request.query } : {}),
    ...(request?.body ? { body: request.body } : {}),
    ...(request?.headers ? { headers: request.headers } : {}),
  })
  // A 204 has no body, so $fetch gives undefined; the contract says null, which callers can tell from a failure.
  return (spec.response === null ? null : result) as ResponseOf<K>
}
