import type { AsyncData, UseFetchOptions } from '#app'
import type { FetchError } from 'ofetch'
import type { ParamsOf, QueryOf, ReadKey, ResponseOf } from '~/utils/api'

type ApiDataOptions<K extends ReadKey> = Omit<UseFetchOptions<ResponseOf<K>>, 'key' | 'query' | 'params' | 'method' | 'body'> & {
  /** Required: the call sits inside this wrapper, so Nuxt's automatic key would be the same for every page. */
  key: string
  params?: MaybeRefOrGetter<ParamsOf<K>>
  query?: MaybeRefOrGetter<QueryOf<K>>
}

/** useFetch for a contract route that reads: the data's type is the route's response schema. */
export function useApiData<K extends ReadKey>(route: K, options: ApiDataOptions<K>): AsyncData<ResponseOf<K> | undefined, FetchError | undefined> {
  const { params, query, ...rest } = options
  const url = () => apiPath(route, toValue(params))
  const fetchOptions = { ...rest, ...(query === undefined ? {} : { query }) } as UseFetchOptions<unknown>
  return useFetch(url, fetchOptions) as AsyncData<ResponseOf<K> | undefined, FetchError | undefined>
}
