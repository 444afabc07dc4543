/**
 * The search index port: full text over declared text fields, exact filters
 * on keyword fields, ranges on date fields, highlights. Elasticsearch's model.
 */
export type FieldType = 'text' | 'keyword' | 'date' | 'boolean' | 'integer'
export type IndexMapping = Record<string, FieldType>

export type SearchDocument = Record<string, unknown>

export interface SearchQuery {
  /** Free text matched against the text fields; empty matches all. */
  text?: string
  /** Exact matches on keyword fields; an array means any of these. */
  filters?: Record<string, string | boolean | Array<string | boolean>>
  ranges?: Record<string, { gte?: string | number, lte?: string | number }>
  /** Defaults to relevance when there is text, otherwise to this order. */
  sort?: { field: string, order: 'asc' | 'desc' }
  from?: number
  size?: number
  highlight?: boolean
}

export interface SearchHit<T = SearchDocument> {
  id: string
  score: number
  source: T
  /** Field name to fragments, matches wrapped in <mark></mark>, everything else escaped. */
  highlights: Record<string, string[]>
}

export interface SearchResult<T = SearchDocument> { total: number, hits: SearchHit<T>[] }

export interface SearchIndex {
  readonly kind: string
  ensureIndex(index: string, mapping: IndexMapping): Promise<void>
  /** Index or replace the document with this id. */
  put(index: string, id: string, document: SearchDocument): Promise<void>
  /** Index or replace many documents in one request (Elasticsearch's bulk API); fails if any one fails. */
  putMany(index: string, documents: Array<{ id: string, document: SearchDocument }>): Promise<void>
  remove(index: string, id: string): Promise<void>
  /**
   * Puts and removes in one request (Elasticsearch's bulk API): an entry with a document indexes
   * it, one without removes that id (absent ids are fine). Fails if any one fails.
   */
  bulk(index: string, entries: Array<{ id: string, document?: SearchDocument }>): Promise<void>
  /** Makes recent writes visible to search (Elasticsearch's refresh). */
  refresh(index: string): Promise<void>
  search<T = SearchDocument>(index: string, query: SearchQuery): Promise<SearchResult<T>>
  dropIndex(index: string): Promise<void>
  ping(): Promise<boolean>
  close(): Promise<void>
}
