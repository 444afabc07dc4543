import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import type { DocumentStore } from '../../../core/ports'
import { DuplicateKeyError } from '../../../core/ports'

interface Item { _id: string, name: string, n: number, tags: string[], flag: boolean, nested?: { k: string }, gone?: string | null }

/** What every document store must do, whatever holds the data. */
export function documentStoreContract(label: string, open: () => Promise<DocumentStore>) {
  describe(`document store contract: ${label}`, () => {
    let store: DocumentStore
    const items = () => store.collection<Item>('contract_items')

    beforeEach(async () => {
      store ??= await open()
      await items().deleteMany({})
    })
    afterAll(async () => { await store?.close() })

    const seed = () => Promise.all([
      items().insertOne({ _id: 'a', name: 'alpha', n: 1, tags: ['x', 'y'], flag: true, nested: { k: 'one' } }),
      items().insertOne({ _id: 'b', name: 'beta', n: 2, tags: ['y'], flag: false, nested: { k: 'two' } }),
      items().insertOne({ _id: 'c', name: 'gamma', n: 3, tags: [], flag: true, gone: null }),
    ])

    it('inserts and finds by id, and refuses a second document with the same id', async () => {
      await seed()
      expect(await items().findOne({ _id: 'b' })).toMatchObject({ name: 'beta', n: 2 })
      await expect(items().insertOne({ _id: 'b', name: 'again', n: 9, tags: [], flag: false })).rejects.toBeInstanceOf(DuplicateKeyError)
      expect(await items().findOne({ _id: 'nope' })).toBeNull()
    })

    it('filters by equality, array membership, $in, $ne, ranges, booleans, dotted fields and null', async () => {
      await seed()
      const ids = async (filter: Parameters<ReturnType<typeof items>['find']>[0]) => (await items().find(filter, { sort: { _id: 1 } })).map(i => i._id)
      expect(await ids({ name: 'alpha' })).toEqual(['a'])
      expect(await ids({ tags: 'y' })).toEqual(['a', 'b'])
      expect(await ids({ _id: { $in: ['a', 'c', 'z'] } })).toEqual(['a', 'c'])
      expect(await ids({ name: { $ne: 'beta' } })).toEqual(['a', 'c'])
      expect(await ids({ n: { $gte: 2, $lt: 3 } })).toEqual(['b'])
      expect(await ids({ flag: true })).toEqual(['a', 'c'])
      expect(await ids({ 'nested.k': 'two' })).toEqual(['b'])
      expect(await ids({ gone: null })).toEqual(['a', 'b', 'c'])
      expect(await ids({ tags: { $in: ['x'] }, flag: true })).toEqual(['a'])
      expect(await items().count({ flag: true })).toBe(2)
    })

    it('sorts, limits and skips', async () => {
      await seed()
      expect((await items().find({}, { sort: { n: -1 }, limit: 2 })).map(i => i._id)).toEqual(['c', 'b'])
      expect((await items().find({}, { sort: { n: 1 }, skip: 1, limit: 5 })).map(i => i._id)).toEqual(['b', 'c'])
      const streamed: string[] = []
      for await (const item of items().stream({ n: { $gte: 2 } }, { sort: { n: -1 }, batchSize: 1 })) streamed.push(item._id)
      expect(streamed).toEqual(['c', 'b'])
    })

    it('answers an $in on ids with the other conditions, sort, skip, limit and count applied', async () => {
      await seed()
      const some = { _id: { $in: ['c', 'a', 'b', 'a', 'z'] } }
      expect((await items().find(some, { sort: { n: -1 } })).map(i => i._id)).toEqual(['c', 'b', 'a'])
      expect((await items().find({ ...some, flag: true }, { sort: { 'nested.k': 1 } })).map(i => i._id)).toEqual(['c', 'a'])
      expect((await items().find(some, { sort: { flag: -1, n: 1 }, skip: 1, limit: 1 })).map(i => i._id)).toEqual(['c'])
      expect(await items().count({ ...some, name: { $ne: 'beta' } })).toBe(2)
      expect(await items().find({ _id: { $in: [] } })).toEqual([])
    })

    it('applies $set, $inc, $addToSet and $pull and returns the document after the update', async () => {
      await seed()
      const after = await items().updateOne({ _id: 'a' }, { $set: { 'name': 'ALPHA', 'nested.k': 'uno' }, $inc: { n: 5 } })
      expect(after).toMatchObject({ name: 'ALPHA', n: 6, nested: { k: 'uno' } })
      await items().updateOne({ _id: 'a' }, { $addToSet: { tags: 'x' } })
      await items().updateOne({ _id: 'a' }, { $addToSet: { tags: 'z' } })
      await items().updateOne({ _id: 'a' }, { $pull: { tags: 'y' } })
      expect((await items().findOne({ _id: 'a' }))!.tags).toEqual(['x', 'z'])
      expect(await items().updateOne({ _id: 'missing' }, { $set: { name: 'x' } })).toBeNull()
    })

    it('replaces or inserts whole documents and deletes them', async () => {
      await seed()
      await items().replaceOne({ _id: 'a', name: 'new', n: 0, tags: [], flag: false })
      await items().replaceOne({ _id: 'd', name: 'delta', n: 4, tags: [], flag: false })
      expect(await items().findOne({ _id: 'a' })).toEqual({ _id: 'a', name: 'new', n: 0, tags: [], flag: false })
      expect(await items().count({})).toBe(4)
      expect(await items().deleteOne({ _id: 'a' })).toBe(true)
      expect(await items().deleteOne({ _id: 'a' })).toBe(false)
      expect(await items().deleteMany({ flag: false })).toBe(2)
      expect(await items().count({})).toBe(1)
    })

    it('takes many replacements of one new document at once, keeping one of them', async () => {
      const writes = Array.from({ length: 8 }, (_, n) => items().replaceOne({ _id: 'race', name: `writer ${n}`, n, tags: [], flag: false }))
      await Promise.all(writes)
      expect(await items().count({ _id: 'race' })).toBe(1)
      expect((await items().findOne({ _id: 'race' }))!.name).toMatch(/^writer \d$/)
    })

    it('inserts many at once, skipping the ids already taken, and replaces many at once', async () => {
      await seed()
      const inserted = await items().insertMissing([
        { _id: 'a', name: 'not alpha', n: 9, tags: [], flag: false },
        { _id: 'm1', name: 'many one', n: 10, tags: [], flag: false },
        { _id: 'm2', name: 'many two', n: 11, tags: [], flag: false },
        { _id: 'm1', name: 'many one again', n: 12, tags: [], flag: false },
      ])
      expect(inserted).toEqual(['m1', 'm2'])
      expect((await items().findOne({ _id: 'a' }))!.name).toBe('alpha')
      expect((await items().findOne({ _id: 'm1' }))!.name).toBe('many one')
      expect(await items().insertMissing([])).toEqual([])
      await items().incrementMany([{ _id: 'm1', inc: { n: 5 } }, { _id: 'm2', inc: { 'n': -1, 'counts.like': 2 } }, { _id: 'nobody', inc: { n: 1 } }])
      expect(await items().findOne({ _id: 'm1' })).toMatchObject({ n: 15 })
      expect(await items().findOne({ _id: 'm2' })).toMatchObject({ n: 10, counts: { like: 2 } })
      expect(await items().findOne({ _id: 'nobody' })).toBeNull()
      await items().replaceMany([{ _id: 'a', name: 'replaced', n: 0, tags: [], flag: true }, { _id: 'm3', name: 'new', n: 13, tags: [], flag: true }])
      expect((await items().findOne({ _id: 'a' }))!.name).toBe('replaced')
      expect(await items().count({})).toBe(6)
    })

    it('enforces unique indexes with a DuplicateKeyError', async () => {
      await items().createIndex({ name: 1 }, { unique: true })
      await items().insertOne({ _id: 'u1', name: 'same', n: 1, tags: [], flag: true })
      await expect(items().insertOne({ _id: 'u2', name: 'same', n: 2, tags: [], flag: true })).rejects.toBeInstanceOf(DuplicateKeyError)
      expect(await items().count({ name: 'same' })).toBe(1)
    })

    it('answers ping', async () => {
      expect(await store.ping()).toBe(true)
    })
  })
}
