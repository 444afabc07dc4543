import type { Page } from '~~/shared/schemas/common'

/**
 * A cursor-paginated list: the first page server-rendered, later pages on
 * "Show more". The key keeps two lists on one page apart.
 */
export async function usePagedList<T>(key: string, url: string, query: () => Record<string, string | undefined> = () => ({})) {
  const extra = useState<T[]>(`${key}:more`, () => [])
  const cursor = useState<string | null>(`${key}:cursor`, () => null)
  const { data, refresh, error, status } = await useFetch<Page<T>>(url, {
    key,
    query: computed(() => query()),
    onResponse({ response }) {
      extra.value = []
      cursor.value = (response._data as Page<T> | undefined)?.nextCursor ?? null
    },
  })
  if (data.value) cursor.value = data.value.nextCursor
  const loadingMore = ref(false)

  async function loadMore() {
    if (!cursor.value) return
    loadingMore.value = true
    try {
      const page = await $fetch<Page<T>>(url, { query: { ...query(), cursor: cursor.value } })
      extra.value = [...extra.value, ...page.items]
      cursor.value = page.nextCursor
    }
    finally {
      loadingMore.value = false
    }
  }

  const items = computed(() => [...(data.value?.items ?? []), ...extra.value])
  return { items, hasMore: computed(() => !!cursor.value), loadMore, loadingMore, refresh, error, status }
}
