import type { DatabaseSync, SQLInputValue } from 'node:sqlite'
import type { IndexMapping, SearchDocument, SearchIndex, SearchQuery, SearchResult } from '../../core/ports/search-index'
import { HIGHLIGHT_END, HIGHLIGHT_START, markHighlights, searchWords } from '../highlight'
import { inTransaction, jsonPath, openDatabase, safeName, toSqlValue } from './sqlite'

/** Full text search on SQLite's FTS5: one virtual table per index, its text fields as columns. */
export class EmbeddedSearchIndex implements SearchIndex {
  readonly kind = 'embedded-fts5'
  private readonly db: DatabaseSync
  private readonly mappings = new Map<string, IndexMapping>()

  constructor(file: string) {
    this.db = openDatabase(file)
    this.db.exec('CREATE TABLE IF NOT EXISTS mappings (name TEXT PRIMARY KEY, mapping TEXT NOT NULL)')
    for (const row of this.db.prepare('SELECT * FROM mappings').all()) this.mappings.set(row.name as string, JSON.parse(row.mapping as string) as IndexMapping)
  }

  private table(index: string) {
    return `"s_${safeName(index, 'index')}"`
  }

  private textFields(index: string): string[] {
    const mapping = this.mappings.get(index)
    if (!mapping) throw new Error(`no such index: ${index}`)
    return Object.entries(mapping).filter(([, type]) => type === 'text').map(([field]) => safeName(field, 'field'))
  }

  async ensureIndex(index: string, mapping: IndexMapping) {
    if (this.mappings.has(index)) return
    const text = Object.entries(mapping).filter(([, type]) => type === 'text').map(([field]) => safeName(field, 'field'))
    const columns = ['id UNINDEXED', ...text.map(f => `"${f}"`), 'src UNINDEXED'].join(', ')
    this.db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${this.table(index)} USING fts5(${columns}, tokenize = 'porter unicode61')`)
    this.db.prepare('INSERT OR REPLACE INTO mappings (name, mapping) VALUES (?, ?)').run(index, JSON.stringify(mapping))
    this.mappings.set(index, mapping)
  }

  async put(index: string, id: string, document: SearchDocument) {
    this.write(index, id, document)
  }

  private write(index: string, id: string, document: SearchDocument) {
    const text = this.textFields(index)
    this.db.prepare(`DELETE FROM ${this.table(index)} WHERE id = ?`).run(id)
    const values = text.map(field => String(document[field] ?? ''))
    this.db.prepare(`INSERT INTO ${this.table(index)} VALUES (${['?', ...text.map(() => '?'), '?'].join(', ')})`)
      .run(id, ...values, JSON.stringify(document))
  }

  async putMany(index: string, documents: Array<{ id: string, document: SearchDocument }>) {
    this.textFields(index)
    inTransaction(this.db, () => {
      for (const { id, document } of documents) this.write(index, id, document)
    })
  }

  async bulk(index: string, entries: Array<{ id: string, document?: SearchDocument }>) {
    this.textFields(index)
    const remove = this.db.prepare(`DELETE FROM ${this.table(index)} WHERE id = ?`)
    inTransaction(this.db, () => {
      for (const { id, document } of entries) {
        if (document) this.write(index, id, document)
        else remove.run(id)
      }
    })
  }

  async remove(index: string, id: string) {
    this.textFields(index)
    this.db.prepare(`DELETE FROM ${this.table(index)} WHERE id = ?`).run(id)
  }

  async refresh(index: string) {
    this.textFields(index)
  }

  async search<T = SearchDocument>(index: string, query: SearchQuery): Promise<SearchResult<T>> {
    const text = this.textFields(index)
    const table = this.table(index)
    const clauses: string[] = []
    const params: SQLInputValue[] = []
    const words = searchWords(query.text ?? '')
    if (words.length) {
      clauses.push(`${table} MATCH ?`)
      params.push(words.map(w => `"${w}"`).join(' '))
    }
    for (const [field, wanted] of Object.entries(query.filters ?? {})) {
      const values = (Array.isArray(wanted) ? wanted : [wanted]).map(toSqlValue)
      clauses.push(values.length ? `EXISTS (SELECT 1 FROM json_each(src, '${jsonPath(field)}') WHERE value IN (${values.map(() => '?').join(',')}))` : '0')
      params.push(...values)
    }
    for (const [field, range] of Object.entries(query.ranges ?? {})) {
      for (const [bound, op] of [['gte', '>='], ['lte', '<=']] as const) {
        if (range[bound] === undefined) continue
        clauses.push(`json_extract(src, '${jsonPath(field)}') ${op} ?`)
        params.push(range[bound])
      }
    }
    const whereSql = clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''
    const total = Number(this.db.prepare(`SELECT COUNT(*) AS n FROM ${table} ${whereSql}`).get(...params)!.n)
    const order = query.sort
      ? `ORDER BY json_extract(src, '${jsonPath(query.sort.field)}') ${query.sort.order === 'asc' ? 'ASC' : 'DESC'}`
      : words.length ? `ORDER BY bm25(${table})` : 'ORDER BY rowid DESC'
    const marks = words.length && query.highlight
      ? text.map((_, i) => `, snippet(${table}, ${i + 1}, char(1), char(2), '…', 24) AS h${i}`).join('')
      : ''
    const score = words.length ? `-bm25(${table})` : '1'
    const rows = this.db.prepare(`SELECT id, src, ${score} AS score ${marks} FROM ${table} ${whereSql} ${order} LIMIT ? OFFSET ?`)
      .all(...params, query.size ?? 10, query.from ?? 0)
    return {
      total,
      hits: rows.map((row) => {
        const highlights: Record<string, string[]> = {}
        text.forEach((field, i) => {
          const fragment = row[`h${i}`] as string | undefined
          if (fragment?.includes(HIGHLIGHT_START)) highlights[field] = [markHighlights(fragment, HIGHLIGHT_START, HIGHLIGHT_END)]
        })
        return { id: row.id as string, score: Number(row.score), source: JSON.parse(row.src as string) as T, highlights }
      }),
    }
  }

  async dropIndex(index: string) {
    this.db.exec(`DROP TABLE IF EXISTS ${this.table(index)}`)
    this.db.prepare('DELETE FROM mappings WHERE name = ?').run(index)
    this.mappings.delete(index)
  }

  async ping() {
    return this.db.isOpen
  }

  async close() {
    if (this.db.isOpen) this.db.close()
  }
}
