import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SearchIndex } from '../../../core/ports'
import { unique } from './wait'

interface Post { title: string, body: string, tags: string[], author: string, createdAt: string }

/** What every search index must do: full text, keyword filters, date ranges, order, pages, highlights. */
export function searchIndexContract(label: string, open: () => Promise<SearchIndex>) {
  describe(`search index contract: ${label}`, () => {
    let search: SearchIndex
    let index: string
    beforeAll(async () => {
      search = await open()
      index = unique('contract-posts').toLowerCase()
      await search.ensureIndex(index, { title: 'text', body: 'text', tags: 'keyword', author: 'keyword', createdAt: 'date' })
      await search.ensureIndex(index, { title: 'text', body: 'text', tags: 'keyword', author: 'keyword', createdAt: 'date' })
      const docs: Array<[string, Post]> = [
        ['p1', { title: 'Sourdough starter tips', body: 'Feed the starter <b>daily</b> with flour and water', tags: ['baking', 'bread'], author: 'ada', createdAt: '2026-01-01T10:00:00.000Z' }],
        ['p2', { title: 'Bicycle maintenance', body: 'Clean the chain and check the brakes', tags: ['cycling'], author: 'alan', createdAt: '2026-02-01T10:00:00.000Z' }],
        ['p3', { title: 'Flour types for bread', body: 'Strong flour has more protein', tags: ['baking'], author: 'alan', createdAt: '2026-03-01T10:00:00.000Z' }],
      ]
      for (const [id, doc] of docs) await search.put(index, id, doc as unknown as Record<string, unknown>)
      await search.refresh(index)
    })
    afterAll(async () => {
      await search?.dropIndex(index).catch(() => {})
      await search?.close()
    })

    it('finds documents by words in any text field, every word required', async () => {
      const flour = await search.search<Post>(index, { text: 'flour' })
      expect(flour.hits.map(h => h.id).sort()).toEqual(['p1', 'p3'])
      expect(flour.total).toBe(2)
      expect((await search.search(index, { text: 'flour protein' })).hits.map(h => h.id)).toEqual(['p3'])
      expect((await search.search(index, { text: 'submarine' })).total).toBe(0)
    })

    it('treats query syntax in user text as plain words', async () => {
      const result = await search.search(index, { text: 'flour" (* -: ^~' })
      expect(result.hits.map(h => h.id).sort()).toEqual(['p1', 'p3'])
    })

    it('filters by keywords, arrays of keywords and date ranges', async () => {
      expect((await search.search(index, { filters: { author: 'alan' } })).hits.map(h => h.id).sort()).toEqual(['p2', 'p3'])
      expect((await search.search(index, { filters: { tags: 'baking', author: 'alan' } })).hits.map(h => h.id)).toEqual(['p3'])
      expect((await search.search(index, { filters: { author: ['ada', 'alan'] } })).total).toBe(3)
      const range = await search.search(index, { ranges: { createdAt: { gte: '2026-01-15T00:00:00.000Z', lte: '2026-02-15T00:00:00.000Z' } } })
      expect(range.hits.map(h => h.id)).toEqual(['p2'])
    })

    it('sorts and pages', async () => {
      const sorted = await search.search<Post>(index, { sort: { field: 'createdAt', order: 'desc' }, size: 2 })
      expect(sorted.total).toBe(3)
      expect(sorted.hits.map(h => h.id)).toEqual(['p3', 'p2'])
      const next = await search.search<Post>(index, { sort: { field: 'createdAt', order: 'desc' }, from: 2, size: 2 })
      expect(next.hits.map(h => h.id)).toEqual(['p1'])
      expect(next.hits[0]!.source.author).toBe('ada')
    })

    it('highlights matches with <mark> and escapes everything else', async () => {
      const result = await search.search(index, { text: 'daily', highlight: true })
      expect(result.hits).toHaveLength(1)
      const fragment = result.hits[0]!.highlights.body!.join(' ')
      expect(fragment).toContain('<mark>daily</mark>')
      expect(fragment).not.toContain('<b>')
    })

    it('replaces and removes documents', async () => {
      await search.put(index, 'p2', { title: 'Tandem bicycle', body: 'two riders', tags: ['cycling'], author: 'grace', createdAt: '2026-02-01T10:00:00.000Z' })
      await search.refresh(index)
      expect((await search.search(index, { text: 'chain' })).total).toBe(0)
      expect((await search.search(index, { text: 'tandem' })).hits.map(h => h.id)).toEqual(['p2'])
      await search.remove(index, 'p2')
      await search.refresh(index)
      expect((await search.search(index, { text: 'tandem' })).total).toBe(0)
    })

    it('indexes many documents at once, replacing those with the same id', async () => {
      const many = unique('contract-bulk').toLowerCase()
      await search.ensureIndex(many, { scope: 'keyword', start: 'date' })
      await search.putMany(many, Array.from({ length: 30 }, (_, i) => ({ id: `d${i}`, document: { scope: i % 2 ? 'odd' : 'even', start: new Date(Date.UTC(2026, 0, 1, i)).toISOString(), n: i } })))
      await search.putMany(many, [{ id: 'd0', document: { scope: 'even', start: '2026-01-01T00:00:00.000Z', n: 100 } }])
      await search.putMany(many, [])
      await search.refresh(many)
      const even = await search.search<{ n: number }>(many, { filters: { scope: 'even' }, sort: { field: 'start', order: 'asc' }, size: 100 })
      expect(even.total).toBe(15)
      expect(even.hits[0]!.source.n).toBe(100)
      expect((await search.search(many, { ranges: { start: { gte: '2026-01-01T10:00:00.000Z', lte: '2026-01-01T12:00:00.000Z' } } })).total).toBe(3)
      await search.dropIndex(many)
    })

    it('puts and removes in one bulk request, removing absent ids without failing', async () => {
      const many = unique('contract-mixed').toLowerCase()
      await search.ensureIndex(many, { scope: 'keyword', start: 'date' })
      await search.bulk(many, [{ id: 'x1', document: { scope: 'a', start: '2026-01-01T00:00:00.000Z' } }, { id: 'x2', document: { scope: 'a', start: '2026-01-02T00:00:00.000Z' } }])
      await search.bulk(many, [{ id: 'x1' }, { id: 'never-there' }, { id: 'x3', document: { scope: 'a', start: '2026-01-03T00:00:00.000Z' } }])
      await search.refresh(many)
      const found = await search.search(many, { filters: { scope: 'a' }, sort: { field: 'start', order: 'asc' } })
      expect(found.hits.map(h => h.id)).toEqual(['x2', 'x3'])
      await search.dropIndex(many)
    })

    it('answers ping', async () => {
      expect(await search.ping()).toBe(true)
    })
  })
}
