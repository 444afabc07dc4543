import type { DatabaseSync, SQLInputValue } from 'node:sqlite'
import { applyUpdate } from './apply-update'
import type { Collection, Doc, DocumentStore, FieldCondition, Filter, FindOptions, Sort, Update } from '../../core/ports/document-store'
import { DuplicateKeyError } from '../../core/ports/document-store'
import { inTransaction, jsonPath, openDatabase, safeName, toSqlValue } from './sqlite'

interface Where { sql: string, params: SQLInputValue[] }

// `json_each` walks arrays element by element and yields a scalar as itself,
// which gives MongoDB's "equality on an array means contains".
function anyElement(path: string, predicate: string): string {
  return `EXISTS (SELECT 1 FROM json_each(doc, '${path}') WHERE value ${predicate})`
}

function condition(field: string, cond: FieldCondition | FieldCondition['$eq']): Where {
  const path = jsonPath(field)
  if (cond === null || typeof cond !== 'object') {
    if (cond === null) return { sql: `json_type(doc, '${path}') IS NULL OR json_type(doc, '${path}') = 'null'`, params: [] }
    return { sql: anyElement(path, '= ?'), params: [toSqlValue(cond)] }
  }
  const parts: Where[] = []
  const ranges = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' } as const
  for (const [op, value] of Object.entries(cond)) {
    if (op === '$eq') parts.push(condition(field, value as FieldCondition['$eq']))
    else if (op === '$ne') parts.push({ sql: `NOT (${condition(field, value as FieldCondition['$eq']).sql})`, params: condition(field, value as FieldCondition['$eq']).params })
    else if (op === '$in') {
      const values = (value as unknown[]).map(toSqlValue)
      parts.push(values.length ? { sql: anyElement(path, `IN (${values.map(() => '?').join(',')})`), params: values } : { sql: '0', params: [] })
    }
    else if (op in ranges) parts.push({ sql: `json_extract(doc, '${path}') ${ranges[op as keyof typeof ranges]} ?`, params: [toSqlValue(value)] })
    else throw new Error(`unsupported operator ${op}`)
  }
  return { sql: parts.map(p => `(${p.sql})`).join(' AND ') || '1', params: parts.flatMap(p => p.params) }
}

function where(filter: Filter): Where {
  const parts = Object.entries(filter).map(([field, cond]) =>
    field === '_id' && typeof cond === 'string' ? { sql: 'id = ?', params: [cond] } : condition(field, cond))
  if (!parts.length) return { sql: '1', params: [] }
  return { sql: parts.map(p => `(${p.sql})`).join(' AND '), params: parts.flatMap(p => p.params) }
}

function orderBy(sort: Sort | undefined): string {
  if (!sort || !Object.keys(sort).length) return 'ORDER BY rowid'
  return `ORDER BY ${Object.entries(sort).map(([field, dir]) => `json_extract(doc, '${jsonPath(field)}') ${dir === -1 ? 'DESC' : 'ASC'}`).join(', ')}`
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed/.test(error.message)
}

class SqliteCollection<T extends Doc> implements Collection<T> {
  private readonly table: string
  constructor(private readonly db: DatabaseSync, private readonly name: string) {
    this.table = `"c_${safeName(name, 'collection')}"`
    db.exec(`CREATE TABLE IF NOT EXISTS ${this.table} (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`)
  }

  private write(sql: string, params: SQLInputValue[], key: string) {
    try {
      this.db.prepare(sql).run(...params)
    }
    catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateKeyError(this.name, key)
      throw error
    }
  }

  async insertOne(doc: T) {
    this.write(`INSERT INTO ${this.table} (id, doc) VALUES (?, ?)`, [doc._id, JSON.stringify(doc)], doc._id)
  }

  async insertMissing(docs: T[]) {
    if (!docs.length) return []
    const insert = this.db.prepare(`INSERT OR IGNORE INTO ${this.table} (id, doc) VALUES (?, ?)`)
    return inTransaction(this.db, () => docs.filter(doc => insert.run(doc._id, JSON.stringify(doc)).changes > 0).map(doc => doc._id))
  }

  async incrementMany(increments: Array<{ _id: string, inc: Record<string, number> }>) {
    for (const { _id, inc } of increments) await this.updateOne({ _id }, { $inc: inc })
  }

  async replaceMany(docs: T[]) {
    if (!docs.length) return
    const upsert = this.db.prepare(`INSERT INTO ${this.table} (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc`)
    inTransaction(this.db, () => {
      for (const doc of docs) upsert.run(doc._id, JSON.stringify(doc))
    })
  }

  async findOne(filter: Filter) {
    return (await this.find(filter, { limit: 1 }))[0] ?? null
  }

  async find(filter: Filter, options: FindOptions = {}) {
    const w = where(filter)
    const limit = options.limit ? `LIMIT ${Math.trunc(options.limit)} OFFSET ${Math.trunc(options.skip ?? 0)}` : options.skip ? `LIMIT -1 OFFSET ${Math.trunc(options.skip)}` : ''
    const rows = this.db.prepare(`SELECT doc FROM ${this.table} WHERE ${w.sql} ${orderBy(options.sort)} ${limit}`).all(...w.params)
    return rows.map(row => JSON.parse(row.doc as string) as T)
  }

  async* stream(filter: Filter, options: { sort?: Sort, batchSize?: number } = {}) {
    const w = where(filter)
    // SQLite steps through the rows as they are asked for: nothing is held beyond the current one.
    for (const row of this.db.prepare(`SELECT doc FROM ${this.table} WHERE ${w.sql} ${orderBy(options.sort)}`).iterate(...w.params)) {
      yield JSON.parse(row.doc as string) as T
    }
  }

  async count(filter: Filter) {
    const w = where(filter)
    return Number(this.db.prepare(`SELECT COUNT(*) AS n FROM ${this.table} WHERE ${w.sql}`).get(...w.params)!.n)
  }

  async updateOne(filter: Filter, update: Update) {
    return inTransaction(this.db, () => {
      const w = where(filter)
      const row = this.db.prepare(`SELECT doc FROM ${this.table} WHERE ${w.sql} LIMIT 1`).get(...w.params)
      if (!row) return null
      const next = applyUpdate(JSON.parse(row.doc as string) as T, update)
      this.write(`UPDATE ${this.table} SET doc = ? WHERE id = ?`, [JSON.stringify(next), next._id], next._id)
      return next
    })
  }

  async replaceOne(doc: T) {
    this.write(`INSERT INTO ${this.table} (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc`, [doc._id, JSON.stringify(doc)], doc._id)
  }

  async deleteOne(filter: Filter) {
    const w = where(filter)
    const result = this.db.prepare(`DELETE FROM ${this.table} WHERE id IN (SELECT id FROM ${this.table} WHERE ${w.sql} LIMIT 1)`).run(...w.params)
    return Number(result.changes) > 0
  }

  async deleteMany(filter: Filter) {
    const w = where(filter)
    return Number(this.db.prepare(`DELETE FROM ${this.table} WHERE ${w.sql}`).run(...w.params).changes)
  }

  async createIndex(fields: Sort, options: { unique?: boolean } = {}) {
    const names = Object.keys(fields)
    const indexName = `"i_${safeName(this.name, 'collection')}_${names.map(n => safeName(n, 'field').replaceAll('.', '_')).join('_')}"`
    const columns = names.map(field => `json_extract(doc, '${jsonPath(field)}')`).join(', ')
    try {
      this.db.exec(`CREATE ${options.unique ? 'UNIQUE' : ''} INDEX IF NOT EXISTS ${indexName} ON ${this.table} (${columns})`)
    }
    catch (error) {
      if (isUniqueViolation(error)) throw new DuplicateKeyError(this.name, names.join(','))
      throw error
    }
  }
}

/** MongoDB's document model on one SQLite file, documents stored as JSON. */
export class EmbeddedDocumentStore implements DocumentStore {
  readonly kind = 'embedded-sqlite'
  private readonly db: DatabaseSync
  private readonly collections = new Map<string, SqliteCollection<Doc>>()

  constructor(file: string) {
    this.db = openDatabase(file)
  }

  collection<T extends Doc>(name: string): Collection<T> {
    if (!this.collections.has(name)) this.collections.set(name, new SqliteCollection(this.db, name))
    return this.collections.get(name) as unknown as Collection<T>
  }

  async dropDatabase() {
    const tables = this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'c\\_%' ESCAPE '\\'`).all()
    for (const { name } of tables) this.db.exec(`DROP TABLE "${name as string}"`)
    this.collections.clear()
  }

  async ping() {
    return this.db.prepare('SELECT 1 AS ok').get()?.ok === 1
  }

  async close() {
    if (this.db.isOpen) this.db.close()
  }
}
