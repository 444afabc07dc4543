/**
 * The document store port: the subset of MongoDB that both MongoDB and FerretDB
 * serve and that the embedded SQLite store implements. Filters are plain
 * equality, `$in`, `$ne` and range operators on top-level or dotted fields;
 * an equality on an array field matches when the array contains the value.
 */
export type Scalar = string | number | boolean | null
export interface FieldCondition {
  $eq?: Scalar
  $ne?: Scalar
  $in?: Scalar[]
  $gt?: Scalar
  $gte?: Scalar
  $lt?: Scalar
  $lte?: Scalar
}
export type Filter = Record<string, Scalar | FieldCondition>
export type Sort = Record<string, 1 | -1>

export interface Update {
  $set?: Record<string, unknown>
  $inc?: Record<string, number>
  $addToSet?: Record<string, Scalar>
  $pull?: Record<string, Scalar>
}

export interface FindOptions { sort?: Sort, limit?: number, skip?: number }

export interface Doc { _id: string }

export class DuplicateKeyError extends Error {
  constructor(readonly collection: string, readonly key: string) {
    super(`duplicate key in ${collection}: ${key}`)
    this.name = 'DuplicateKeyError'
  }
}

export interface Collection<T extends Doc> {
  /** Throws DuplicateKeyError when the id or a unique index is taken. */
  insertOne(doc: T): Promise<void>
  /**
   * Inserts many documents in one unordered request; a document whose id (or unique key) is taken
   * is skipped, not an error. Returns the ids of those inserted, in order: for idempotent bulk
   * writes whose follow-up (a counter, say) must happen once per new document.
   */
  insertMissing(docs: T[]): Promise<string[]>
  findOne(filter: Filter): Promise<T | null>
  find(filter: Filter, options?: FindOptions): Promise<T[]>
  /**
   * Every match in order, fetched a batch at a time: one query however many there are, for reading
   * a whole collection (a server that cannot use an index for the filter or sort scans once, not per page).
   */
  stream(filter: Filter, options?: { sort?: Sort, batchSize?: number }): AsyncIterable<T>
  count(filter: Filter): Promise<number>
  /** Applies the update to the first match; returns the document after it, or null. */
  updateOne(filter: Filter, update: Update): Promise<T | null>
  /** Inserts or replaces the whole document with this id. */
  replaceOne(doc: T): Promise<void>
  /** Adds to numeric fields of each of these documents (by id), in one request; missing ones are left out. */
  incrementMany(increments: Array<{ _id: string, inc: Record<string, number> }>): Promise<void>
  /** Inserts or replaces each of these documents, in one request. */
  replaceMany(docs: T[]): Promise<void>
  deleteOne(filter: Filter): Promise<boolean>
  deleteMany(filter: Filter): Promise<number>
  createIndex(fields: Sort, options?: { unique?: boolean }): Promise<void>
}

export interface DocumentStore {
  readonly kind: string
  collection<T extends Doc>(name: string): Collection<T>
  dropDatabase(): Promise<void>
  ping(): Promise<boolean>
  close(): Promise<void>
}
