import { type Collection as MongoCollection, type Db, MongoBulkWriteError, MongoClient, MongoServerError } from 'mongodb'
import type { Collection, Doc, DocumentStore, Filter, FindOptions, Sort, Update } from '../../core/ports/document-store'
import { DuplicateKeyError } from '../../core/ports/document-store'
import { combine, expandIdIn } from './in-expansion'

const DUPLICATE_KEY = 11000
const LOOKUPS_AT_ONCE = 8
const MAX_POOL = Number(process.env.C18N_MONGO_POOL ?? 10)

const isDuplicateKey = (error: unknown) => error instanceof MongoServerError && error.code === DUPLICATE_KEY

function rethrow(name: string, key: string, error: unknown): never {
  if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) throw new DuplicateKeyError(name, key)
  throw error
}

class MongoBackedCollection<T extends Doc> implements Collection<T> {
  constructor(
    private readonly name: string,
    private readonly collection: MongoCollection<T>,
    /** FerretDB: a short `$in` on `_id` goes as index lookups (see in-expansion.ts). */
    private readonly expandIn: boolean,
  ) {}

  /** The documents a short `_id: {$in}` filter matches, one index lookup each; null if not such a filter. */
  private async lookups(filter: Filter): Promise<T[] | null> {
    const parts = this.expandIn ? expandIdIn(filter) : null
    if (!parts) return null
    // A few at a time: FerretDB serves each on a small pool, and a burst of them starves other work.
    const found: T[] = []
    for (let i = 0; i < parts.length; i += LOOKUPS_AT_ONCE) {
      const wave = await Promise.all(parts.slice(i, i + LOOKUPS_AT_ONCE).map(part => this.collection.findOne(part as never)))
      for (const doc of wave) if (doc) found.push(doc as T)
    }
    return found
  }

  async insertOne(doc: T) {
    // The driver adds _id to the object it is given; callers keep theirs untouched.
    await this.collection.insertOne({ ...doc } as never).catch(error => rethrow(this.name, doc._id, error))
  }

  async insertMissing(docs: T[]) {
    if (!docs.length) return []
    try {
      await this.collection.insertMany(docs.map(doc => ({ ...doc })) as never, { ordered: false })
      return docs.map(doc => doc._id)
    }
    catch (error) {
      // Unordered: every document but the duplicates went in; only other errors are failures.
      if (error instanceof MongoBulkWriteError) {
        const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors]
        if (errors.every(e => e.code === DUPLICATE_KEY)) {
          const skipped = new Set(errors.map(e => e.index))
          return docs.filter((_, i) => !skipped.has(i)).map(doc => doc._id)
        }
      }
      throw error
    }
  }

  async incrementMany(increments: Array<{ _id: string, inc: Record<string, number> }>) {
    if (!increments.length) return
    await this.collection.bulkWrite(increments.map(({ _id, inc }) => ({ updateOne: { filter: { _id } as never, update: { $inc: inc } as never } })), { ordered: false })
  }

  async replaceMany(docs: T[]) {
    if (!docs.length) return
    const write = () => this.collection.bulkWrite(docs.map(doc => ({ replaceOne: { filter: { _id: doc._id } as never, replacement: { ...doc } as never, upsert: true } })), { ordered: false })
    // As in replaceOne: a concurrent upsert of a new id may lose the race once; then it exists.
    await write().catch(error => (error instanceof MongoBulkWriteError ? write() : Promise.reject(error)))
  }

  async findOne(filter: Filter) {
    return (await this.collection.findOne(filter as never)) as T | null
  }

  async find(filter: Filter, options: FindOptions = {}) {
    const found = await this.lookups(filter)
    if (found) return combine(found, options)
    let cursor = this.collection.find(filter as never)
    if (options.sort) cursor = cursor.sort(options.sort)
    if (options.skip) cursor = cursor.skip(options.skip)
    if (options.limit) cursor = cursor.limit(options.limit)
    return (await cursor.toArray()) as T[]
  }

  async* stream(filter: Filter, options: { sort?: Sort, batchSize?: number } = {}) {
    let cursor = this.collection.find(filter as never, { batchSize: options.batchSize ?? 1000 })
    if (options.sort) cursor = cursor.sort(options.sort)
    for await (const doc of cursor) yield doc as T
  }

  async count(filter: Filter) {
    const found = await this.lookups(filter)
    if (found) return found.length
    return this.collection.countDocuments(filter as never)
  }

  async updateOne(filter: Filter, update: Update) {
    const result = await this.collection.findOneAndUpdate(filter as never, update as never, { returnDocument: 'after' })
      .catch(error => rethrow(this.name, JSON.stringify(filter), error))
    return (result ?? null) as T | null
  }

  async replaceOne(doc: T) {
    const upsert = () => this.collection.replaceOne({ _id: doc._id } as never, { ...doc } as never, { upsert: true })
    // Two upserts of a new id at once: one inserts, the other fails on the key. By then the
    // document exists, so the second attempt replaces it.
    await upsert().catch(error => (isDuplicateKey(error) ? upsert() : Promise.reject(error))).catch(error => rethrow(this.name, doc._id, error))
  }

  async deleteOne(filter: Filter) {
    return (await this.collection.deleteOne(filter as never)).deletedCount > 0
  }

  async deleteMany(filter: Filter) {
    return (await this.collection.deleteMany(filter as never)).deletedCount
  }

  async createIndex(fields: Sort, options: { unique?: boolean } = {}) {
    await this.collection.createIndex(fields, { unique: options.unique ?? false }).catch(error => rethrow(this.name, Object.keys(fields).join(','), error))
  }
}

/** MongoDB (or FerretDB, which speaks its protocol) through the official driver. */
export class MongoDocumentStore implements DocumentStore {
  readonly kind = 'mongodb'
  private readonly client: MongoClient
  private db!: Db
  private isFerretDb = false

  constructor(readonly uri: string) {
    // Few requests at once per process: FerretDB serves them one after another anyway, and too many at
    // once from all processes exhaust its PostgreSQL pool, where it stalls for good (see infra/stack.sh).
    this.client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000, connectTimeoutMS: 5000, maxPoolSize: MAX_POOL })
  }

  async connect() {
    await this.client.connect()
    this.db = this.client.db()
    await this.db.command({ ping: 1 })
    // FerretDB says so in buildInfo; its query planner is unlike MongoDB's (see in-expansion.ts).
    this.isFerretDb = 'ferretdbVersion' in await this.db.admin().command({ buildInfo: 1 })
  }

  collection<T extends Doc>(name: string): Collection<T> {
    return new MongoBackedCollection<T>(name, this.db.collection<T>(name), this.isFerretDb)
  }

  async dropDatabase() {
    await this.db.dropDatabase()
  }

  async ping() {
    try {
      return (await this.db.command({ ping: 1 })).ok === 1
    }
    catch {
      return false
    }
  }

  async close() {
    await this.client.close()
  }
}
