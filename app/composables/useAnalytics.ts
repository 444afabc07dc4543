/** How often the live figures refresh while the page is visible. */
const LIVE_EVERY_MS = 5000

export type AnalyticsRange = '30d' | '48h'

/**
 * The data of the analytics dashboard of one community, or of the whole site: the series for the
 * chosen range, the live last hour, the reaction mix and, for owners and admins (`full`), the top
 * contributors and the retention cohorts. The speed layer moves by the second, so the last hour
 * refreshes on a timer, and the series too when it is by hour (its newest bucket is the current one).
 *
 * The reads after the series depend on it (none after an error, the owners' ones only at `full`),
 * so the component awaits `loadSeries()` and then `loadRest()` in its own setup: Vue and Nuxt
 * keep the component only across the awaits of setup itself, not across one inside a composable.
 */
export function useAnalytics(community: () => string | undefined) {
  const range = ref<AnalyticsRange>('30d')
  const granularity = computed(() => (range.value === '30d' ? 'day' as const : 'hour' as const))
  const key = (what: string) => `analytics:${what}:${community() ?? 'site'}`
  const seriesQuery = computed(() => ({ community: community(), granularity: granularity.value }))
  const scopeQuery = computed(() => ({ community: community() }))
  const topQuery = (by: 'reactions' | 'contributors') => computed(() => ({ community: community(), by }))

  const seriesData = useApiData('analyticsSeries', { key: key('series'), query: seriesQuery, watch: [seriesQuery] })
  const { data: series, error, refresh: refreshSeries } = seriesData
  const full = computed(() => series.value?.scope.level === 'full')

  async function loadSeries() {
    await seriesData
    return { series, error, full }
  }

  async function loadRest() {
    const live = useApiData('analyticsLive', { key: key('live'), query: scopeQuery, immediate: !error.value })
    const reactions = useApiData('analyticsTop', { key: key('reactions'), query: topQuery('reactions'), immediate: !error.value })
    const contributors = useApiData('analyticsTop', { key: key('contributors'), query: topQuery('contributors'), immediate: full.value })
    const cohorts = useApiData('analyticsCohorts', { key: key('cohorts'), query: scopeQuery, immediate: full.value })
    startTimer(live.refresh)
    await Promise.all([live, reactions, contributors, cohorts])
    return { live: live.data, reactions: reactions.data, contributors: contributors.data, cohorts: cohorts.data }
  }

  function startTimer(refreshLive: () => Promise<void>) {
    let timer: ReturnType<typeof setInterval> | undefined
    onMounted(() => {
      timer = setInterval(async () => {
        if (document.hidden || error.value) return
        await refreshLive()
        if (range.value === '48h') await refreshSeries()
      }, LIVE_EVERY_MS)
    })
    onBeforeUnmount(() => clearInterval(timer))
  }

  return { range, granularity, loadSeries, loadRest }
}
