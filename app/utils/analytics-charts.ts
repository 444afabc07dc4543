import type { Cohorts, Granularity, Live, Series, Top } from '~~/shared/schemas/analytics'

/** What a ChartFigure shows: a one-sentence summary, the ECharts option, and the data as a table. */
export interface ChartData {
  summary: string
  option: Record<string, unknown>
  columns: string[]
  rows: Array<Array<string | number>>
}

const day = (iso: string) => iso.slice(5, 10)
const bucketLabel = (iso: string, granularity: Granularity) => (granularity === 'day' ? day(iso) : `${day(iso)} ${iso.slice(11, 16)}`)
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
const percent = (part: number, whole: number) => (whole ? `${Math.round((100 * part) / whole)}%` : '–')
const grid = { left: 40, right: 12, top: 36, bottom: 28, containLabel: true }

export function activityChart(points: Series['points'], granularity: Granularity, rangeText: string): ChartData {
  const label = (iso: string) => bucketLabel(iso, granularity)
  const metrics = [['posts', 'Posts'], ['replies', 'Replies'], ['reactions', 'Reactions'], ['messages', 'Messages'], ['activeUsers', 'Active people']] as const
  const totals = Object.fromEntries(metrics.map(([m]) => [m, sum(points.map(p => p[m]))]))
  return {
    summary: `${totals.posts} posts, ${totals.replies} replies, ${totals.reactions} reactions and ${totals.messages} messages in the ${rangeText}.`,
    option: {
      tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 }, grid,
      xAxis: { type: 'category', data: points.map(p => label(p.start)) }, yAxis: { type: 'value', minInterval: 1 },
      series: metrics.map(([m, name]) => ({ name, type: 'line', smooth: true, showSymbol: false, data: points.map(p => p[m]) })),
    },
    columns: ['When', ...metrics.map(([, name]) => name)],
    rows: points.map(p => [label(p.start), ...metrics.map(([m]) => p[m])]),
  }
}

export function lastHourChart(live: Live | undefined): ChartData {
  const minutes = live?.minutes ?? []
  const actions = minutes.map(m => m.posts + m.replies + m.reactions + m.messages + m.shares)
  return {
    summary: `${sum(actions)} ${sum(actions) === 1 ? 'action' : 'actions'} in the last hour; ${live?.online.count ?? 0} ${live?.online.count === 1 ? 'person' : 'people'} online now.`,
    option: {
      tooltip: { trigger: 'axis' }, grid,
      xAxis: { type: 'category', data: minutes.map(m => m.start.slice(11, 16)) }, yAxis: { type: 'value', minInterval: 1 },
      series: [{ name: 'Actions', type: 'bar', data: actions }],
    },
    columns: ['Minute', 'Posts', 'Replies', 'Reactions', 'Messages', 'Active people'],
    rows: minutes.filter((_, i) => actions[i]).map(m => [m.start.slice(11, 16), m.posts, m.replies, m.reactions, m.messages, m.activeUsers]),
  }
}

export function trendingChart(posts: Live['trendingPosts']): ChartData {
  return {
    summary: posts.length ? `“${posts[0]!.title}” is trending most.` : 'Nothing is trending right now.',
    option: {
      tooltip: {}, grid: { ...grid, left: 8 },
      xAxis: { type: 'value' }, yAxis: { type: 'category', inverse: true, data: posts.map(p => (p.title.length > 24 ? `${p.title.slice(0, 23)}…` : p.title)) },
      series: [{ name: 'Score', type: 'bar', data: posts.map(p => p.score) }],
    },
    columns: ['Post', 'Community', 'Score'],
    rows: posts.map(p => [p.title, p.communitySlug, p.score.toFixed(2)]),
  }
}

/** A community counts members who joined; the site counts people who signed up. */
export function growthChart(points: Series['points'], granularity: Granularity, ofCommunity: boolean): ChartData {
  const label = (iso: string) => bucketLabel(iso, granularity)
  const who = ofCommunity ? 'members' : 'registered people'
  const arrivals = ofCommunity ? 'Joined' : 'Signed up'
  const first = points[0]?.members ?? 0
  const last = points.at(-1)?.members ?? 0
  return {
    summary: `${last} ${who} now, ${last >= first ? 'up' : 'down'} ${Math.abs(last - first)} over the range.`,
    option: {
      tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid,
      xAxis: { type: 'category', data: points.map(p => label(p.start)) }, yAxis: { type: 'value', minInterval: 1 },
      series: [
        { name: 'Total', type: 'line', showSymbol: false, data: points.map(p => p.members) },
        { name: arrivals, type: 'bar', data: points.map(p => (ofCommunity ? p.joins : p.signups)) },
      ],
    },
    columns: ['When', 'Total', arrivals, 'Left'],
    rows: points.filter(p => p.joins || p.leaves || p.signups).map(p => [label(p.start), p.members, ofCommunity ? p.joins : p.signups, p.leaves]),
  }
}

export function retentionChart(rows: Cohorts['cohorts']): ChartData {
  const rate = (part: number, whole: number) => (whole ? Math.round((100 * part) / whole) : null)
  const eligible = rows.filter(c => c.eligible7)
  return {
    summary: eligible.length
      ? `Of ${sum(eligible.map(c => c.eligible7))} people who joined at least a week ago, ${percent(sum(eligible.map(c => c.retained7)), sum(eligible.map(c => c.eligible7)))} were still active after 7 days.`
      : 'No cohort is a week old yet.',
    option: {
      tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null ? '–' : `${v}%`) }, legend: { top: 0 }, grid,
      xAxis: { type: 'category', data: rows.map(c => `wk ${day(c.start)}`) }, yAxis: { type: 'value', max: 100 },
      series: [
        { name: 'Active after 7 days', type: 'bar', data: rows.map(c => rate(c.retained7, c.eligible7)) },
        { name: 'Active after 30 days', type: 'bar', data: rows.map(c => rate(c.retained30, c.eligible30)) },
      ],
    },
    columns: ['Week joined', 'New', 'After 7 days', 'After 30 days'],
    rows: rows.map(c => [c.start.slice(0, 10), c.size, c.eligible7 ? `${c.retained7}/${c.eligible7} (${percent(c.retained7, c.eligible7)})` : 'not yet', c.eligible30 ? `${c.retained30}/${c.eligible30} (${percent(c.retained30, c.eligible30)})` : 'not yet']),
  }
}

export function reactionMixChart(items: Top['items']): ChartData {
  const total = sum(items.map(i => i.count))
  return {
    summary: items.length ? `${total} reactions in the last 30 days, most often “${items[0]!.label}” (${percent(items[0]!.count, total)}).` : 'No reactions in the last 30 days.',
    option: { tooltip: { trigger: 'item' }, legend: { top: 0 }, series: [{ name: 'Reactions', type: 'pie', radius: ['35%', '65%'], top: 30, data: items.map(i => ({ name: i.label, value: i.count })) }] },
    columns: ['Reaction', 'Count', 'Share'],
    rows: items.map(i => [i.label, i.count, percent(i.count, total)]),
  }
}
