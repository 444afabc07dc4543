import { describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'
import { eventually } from '../contract/suites/wait'

const client = () => new ApiClient(inject('baseURL'))
const slug = `stats-${Date.now().toString(36)}`

describe('the analytics API', () => {
  it('shows a community\'s owner everything, its members summaries, and others nothing', async () => {
    const [grace, alan, katherine, ada] = await Promise.all(['grace', 'alan', 'katherine', 'ada'].map(h => client().signIn(h)))
    expect((await grace!.post('/api/communities', { name: 'Stats harbour', slug, visibility: 'public' })).status).toBe(201)
    expect((await alan!.post(`/api/communities/${slug}/join`)).status).toBe(200)
    const post = await grace!.post(`/api/communities/${slug}/posts`, { title: 'Counted', body: 'in the speed layer', tags: [] })
    expect(post.status).toBe(201)
    expect((await alan!.post(`/api/posts/${post.json.id}/reactions`, { kind: 'love' })).status).toBe(201)

    await eventually(async () => {
      const series = await grace!.get(`/api/analytics/series?community=${slug}&granularity=hour`)
      expect(series.status).toBe(200)
      expect(series.json.scope).toMatchObject({ community: slug, level: 'full' })
      const total = (series.json.points as Array<{ posts: number, reactions: number, activeUsers: number }>).reduce((n, p) => n + p.posts + p.reactions, 0)
      expect(total).toBe(2)
    }, 5000, 100)
    const top = await grace!.get(`/api/analytics/top?community=${slug}&by=contributors`)
    expect(top.status).toBe(200)
    expect(top.json.items.map((i: { label: string }) => i.label).sort()).toEqual(['@alan', '@grace'])
    expect((await grace!.get(`/api/analytics/cohorts?community=${slug}`)).status).toBe(200)
    expect((await grace!.get(`/api/analytics/live?community=${slug}`)).json.trendingPosts[0]).toMatchObject({ id: post.json.id, title: 'Counted' })

    // A member sees summaries, not who.
    const summary = await alan!.get(`/api/analytics/series?community=${slug}`)
    expect(summary.status).toBe(200)
    expect(summary.json.scope.level).toBe('summary')
    expect((await alan!.get(`/api/analytics/top?community=${slug}&by=reactions`)).json.items).toEqual([{ key: 'love', label: 'love', count: 1 }])
    expect((await alan!.get(`/api/analytics/top?community=${slug}&by=contributors`)).status).toBe(403)
    expect((await alan!.get(`/api/analytics/cohorts?community=${slug}`)).status).toBe(403)
    expect((await alan!.get(`/api/analytics/live?community=${slug}`)).json.online.handles).toBeNull()
    // Someone else: no community analytics; site-wide summaries only.
    expect((await katherine!.get(`/api/analytics/series?community=${slug}`)).status).toBe(403)
    expect((await katherine!.get('/api/analytics/series')).json.scope.level).toBe('summary')
    expect((await katherine!.get('/api/analytics/top?by=contributors')).status).toBe(403)
    expect((await katherine!.get('/api/analytics/runs')).status).toBe(403)
    expect((await katherine!.post('/api/analytics/runs', {})).status).toBe(403)
    expect((await client().get('/api/analytics/series')).status).toBe(401)
    // The site admin sees everything and can run the batch.
    expect((await ada!.get(`/api/analytics/top?community=${slug}&by=contributors`)).status).toBe(200)
    const run = await ada!.post('/api/analytics/runs', {})
    expect(run.status).toBe(201)
    expect(run.json).toMatchObject({ status: 'done' })
    expect((await ada!.get('/api/analytics/runs')).json.current).toBe(run.json.id)
  })

  it('refuses bad ranges and parameters with 400', async () => {
    const ada = await client().signIn('ada')
    for (const query of ['granularity=week', 'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from=yesterday', 'granularity=minute&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z', 'community=NOT%20A%20SLUG']) {
      const answer = await ada.get(`/api/analytics/series?${query}`)
      expect(answer.status, query).toBe(400)
      expect(answer.json.data.fieldErrors).toBeTruthy()
    }
    expect((await ada.get('/api/analytics/top?by=everyone')).status).toBe(400)
    expect((await ada.get('/api/analytics/top?limit=500')).status).toBe(400)
    expect((await ada.post('/api/analytics/runs', { cutoff: 'soon' })).status).toBe(400)
    expect((await ada.post('/api/analytics/runs', { cutoff: new Date(Date.now() + 3600_000).toISOString() })).status).toBe(400)
    // Older than the live counters reach: a run there would make every later read walk empty buckets.
    const ancient = await ada.post('/api/analytics/runs', { cutoff: new Date(Date.now() - 8 * 86_400_000).toISOString() })
    expect(ancient.status).toBe(400)
    expect(ancient.json.data.fieldErrors).toMatchObject({ cutoff: ['must be within the last 7 days'] })
    expect((await ada.get('/api/analytics/series?community=no-such-place')).status).toBe(404)
  })

  it('is in the OpenAPI document, with its 403', async () => {
    const doc = (await client().get('/api/openapi.json')).json
    const series = doc.paths['/api/analytics/series'].get
    expect(series.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['community', 'from', 'to', 'granularity']))
    expect(series.responses['403']).toBeTruthy()
    expect(series.responses['200'].content['application/json'].schema.properties.points).toBeTruthy()
  })
})
