import type { Page } from '~~/shared/schemas/common'
import type { ParamsOf, QueryOf, ReadKey, ResponseOf } from '~/utils/api'

/** The reads that answer with one page of a list and the next cursor. */
export type PagedKey = { [K in ReadKey]: ResponseOf<K> extends Page<unknown> ? K : never }[ReadKey]
type ItemOf<K extends PagedKey> = ResponseOf<K> extends Page<infer T> ? T : never

/**
 * A cursor-paginated list: the first page server-rendered, later pages on
 * "Show more". The key keeps two lists on one page apart.
 */
export async function usePagedList<K extends PagedKey>(key: string, route: K, request: { params?: ParamsOf<K>, query?: () => QueryOf<K> } = {}) {
  const query = () => (request.query?.() ?? {}) as Record<string, unknown>
  const extra = useState<ItemOf<K>[]>(`${key}:more`, () => [])
  const cursor = useState<string | null>(`${key}:cursor`, () => null)
  const { data, refresh, error, status } = await useApiData(route, {
    key,
    params: request.params,
    query: computed(() => query()) as never,
    onResponse({ response }) {
      extra.value = []
      cursor.value = (response._data as Page<ItemOf<K>> | undefined)?.nextCursor ?? null
    },
  })
  const first = computed(() => data.value as Page<ItemOf<K>> | undefined)
  if (first.value) cursor.value = first.value.nextCursor
  const loadingMore = ref(false)

  async function loadMore() {
    if (!cursor.value) return
    loadingMore.value = true
    try {
      const page = await apiFetch(route as PagedKey, { params: request.params, query: { ...query(), cursor: cursor.value } } as never) as Page<ItemOf<K>>
      extra.value = [...extra.value, ...page.items]
      cursor.value = page.nextCursor
    }
    finally {
      loadingMore.value = false
    }
  }

  const items = computed(() => [...(first.value?.items ?? []), ...extra.value])
  return { items, hasMore: computed(() => !!cursor.value), loadMore, loadingMore, refresh, error, status }
}
