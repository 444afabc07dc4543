import { Client, errors } from '@elastic/elasticsearch'
import type { FieldType, IndexMapping, SearchDocument, SearchIndex, SearchQuery, SearchResult } from '../../core/ports/search-index'
import { HIGHLIGHT_END, HIGHLIGHT_START, markHighlights, searchWords } from '../highlight'

const FIELD: Record<FieldType, Record<string, unknown>> = {
  text: { type: 'text', analyzer: 'english' },
  keyword: { type: 'keyword' },
  date: { type: 'date' },
  boolean: { type: 'boolean' },
  integer: { type: 'integer' },
}

const isNotFound = (error: unknown) => error instanceof errors.ResponseError && error.statusCode === 404

/** Elasticsearch 8: one index per port index, names prefixed so that several apps can share a cluster. */
export class ElasticSearchIndex implements SearchIndex {
  readonly kind = 'elasticsearch'
  private readonly client: Client
  private readonly textFields = new Map<string, string[]>()

  constructor(readonly url: string, private readonly prefix = 'c18n-') {
    this.client = new Client({ node: url, requestTimeout: 30_000 })
  }

  async connect() {
    await this.client.info()
  }

  /** The index's name in Elasticsearch (jobs that write to it directly, the Spark batch job, need it). */
  indexName(index: string) { return `${this.prefix}${index}`.toLowerCase() }

  async ensureIndex(index: string, mapping: IndexMapping) {
    this.textFields.set(index, Object.entries(mapping).filter(([, t]) => t === 'text').map(([f]) => f))
    if (await this.client.indices.exists({ index: this.indexName(index) })) return
    const properties = Object.fromEntries(Object.entries(mapping).map(([field, type]) => [field, FIELD[type]]))
    try {
      await this.client.indices.create({ index: this.indexName(index), mappings: { dynamic: false, properties }, settings: { number_of_shards: 1, number_of_replicas: 0 } })
    }
    catch (error) {
      // Two processes creating the same index at once: the other one won.
      if (!(error instanceof errors.ResponseError && error.body?.error?.type === 'resource_already_exists_exception')) throw error
    }
  }

  async put(index: string, id: string, document: SearchDocument) {
    await this.client.index({ index: this.indexName(index), id, document })
  }

  async putMany(index: string, documents: Array<{ id: string, document: SearchDocument }>) {
    if (!documents.length) return
    const response = await this.client.bulk({ operations: documents.flatMap(({ id, document }) => [{ index: { _index: this.indexName(index), _id: id } }, document]) })
    if (response.errors) {
      const failed = response.items.map(item => item.index?.error).find(Boolean)
      throw new Error(`bulk indexing into ${index} failed: ${failed?.reason ?? 'unknown error'}`)
    }
  }

  async bulk(index: string, entries: Array<{ id: string, document?: SearchDocument }>) {
    if (!entries.length) return
    const name = this.indexName(index)
    const response = await this.client.bulk({ operations: entries.flatMap(({ id, document }) => (document ? [{ index: { _index: name, _id: id } }, document] : [{ delete: { _index: name, _id: id } }])) })
    if (response.errors) {
      // Removing what is not there is not a failure.
      const failed = response.items.map(item => item.index?.error ?? (item.delete?.status === 404 ? undefined : item.delete?.error)).find(Boolean)
      if (failed) throw new Error(`bulk write into ${index} failed: ${failed.reason ?? 'unknown error'}`)
    }
  }

  async remove(index: string, id: string) {
    await this.client.delete({ index: this.indexName(index), id }).catch((error) => {
      if (!isNotFound(error)) throw error
    })
  }

  async refresh(index: string) {
    await this.client.indices.refresh({ index: this.indexName(index) })
  }

  async search<T = SearchDocument>(index: string, query: SearchQuery): Promise<SearchResult<T>> {
    const textFields = this.textFields.get(index) ?? []
    const words = searchWords(query.text ?? '')
    const filter: unknown[] = []
    for (const [field, wanted] of Object.entries(query.filters ?? {})) {
      filter.push(Array.isArray(wanted) ? { terms: { [field]: wanted } } : { term: { [field]: wanted } })
    }
    for (const [field, range] of Object.entries(query.ranges ?? {})) filter.push({ range: { [field]: range } })
    const must = words.length ? [{ multi_match: { query: words.join(' '), fields: textFields, operator: 'and' } }] : []
    const response = await this.client.search<T>({
      index: this.indexName(index),
      from: query.from ?? 0,
      size: query.size ?? 10,
      track_total_hits: true,
      query: { bool: { must, filter } as never },
      sort: query.sort ? [{ [query.sort.field]: { order: query.sort.order } }] : words.length ? ['_score'] : [{ _doc: { order: 'desc' } }],
      ...(words.length && query.highlight
        ? { highlight: { pre_tags: [HIGHLIGHT_START], post_tags: [HIGHLIGHT_END], fields: Object.fromEntries(textFields.map(f => [f, { fragment_size: 160, number_of_fragments: 1 }])) } }
        : {}),
    })
    const total = typeof response.hits.total === 'number' ? response.hits.total : response.hits.total?.value ?? 0
    return {
      total,
      hits: response.hits.hits.map(hit => ({
        id: hit._id!,
        score: hit._score ?? 1,
        source: hit._source as T,
        highlights: Object.fromEntries(Object.entries(hit.highlight ?? {}).map(([field, fragments]) => [field, fragments.map(f => markHighlights(f))])),
      })),
    }
  }

  async dropIndex(index: string) {
    await this.client.indices.delete({ index: this.indexName(index) }).catch((error) => {
      if (!isNotFound(error)) throw error
    })
    this.textFields.delete(index)
  }

  async ping() {
    try {
      return await this.client.ping()
    }
    catch {
      return false
    }
  }

  async close() {
    await this.client.close()
  }
}
