/** How often the live figures refresh while the page is visible. */
const LIVE_EVERY_MS = 5000

export type AnalyticsRange = '30d' | '48h'

/**
 * The data of the analytics dashboard of one community, or of the whole site: the series for the
 * chosen range, the live last hour, the reaction mix and, for owners and admins (`full`), the top
 * contributors and the retention cohorts. The speed layer moves by the second, so the last hour
 * refreshes on a timer, and the series too when it is by hour (its newest bucket is the current one).
 */
export async function useAnalytics(community: () => string | undefined) {
  const range = ref<AnalyticsRange>('30d')
  const granularity = computed(() => (range.value === '30d' ? 'day' as const : 'hour' as const))
  const key = (what: string) => `analytics:${what}:${community() ?? 'site'}`
  const seriesQuery = computed(() => ({ community: community(), granularity: granularity.value }))
  const scopeQuery = computed(() => ({ community: community() }))

  // The timer hooks into the component before the awaits (Vue loses the component after one).
  let timer: ReturnType<typeof setInterval> | undefined
  onMounted(() => {
    timer = setInterval(async () => {
      if (document.hidden || error.value) return
      await refreshLive()
      if (range.value === '48h') await refreshSeries()
    }, LIVE_EVERY_MS)
  })
  onBeforeUnmount(() => clearInterval(timer))

  const { data: series, error, refresh: refreshSeries } = await useApiData('analyticsSeries', { key: key('series'), query: seriesQuery, watch: [seriesQuery] })
  const full = computed(() => series.value?.scope.level === 'full')
  const { data: live, refresh: refreshLive } = await useApiData('analyticsLive', { key: key('live'), query: scopeQuery, immediate: !error.value })
  const { data: reactions } = await useApiData('analyticsTop', { key: key('reactions'), query: computed(() => ({ community: community(), by: 'reactions' as const })), immediate: !error.value })
  const { data: contributors } = await useApiData('analyticsTop', { key: key('contributors'), query: computed(() => ({ community: community(), by: 'contributors' as const })), immediate: full.value })
  const { data: cohorts } = await useApiData('analyticsCohorts', { key: key('cohorts'), query: scopeQuery, immediate: full.value })

  return { range, granularity, series, error, full, live, reactions, contributors, cohorts }
}
