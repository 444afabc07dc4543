import { describe, expect, it } from 'vitest'
import { applyUpdate } from '../../adapters/embedded/apply-update'
import { markHighlights, searchWords } from '../../adapters/highlight'
import { partitionFor } from '../../adapters/embedded/partition'
import { communityCreateSchema } from '../../shared/schemas/community'
import { slugify, splitList } from '../../app/utils/text'

describe('small pure helpers', () => {
  it('keeps a key on one partition and spreads keys over all of them', () => {
    expect(partitionFor('room-1', 6)).toBe(partitionFor('room-1', 6))
    const used = new Set(Array.from({ length: 200 }, (_, i) => partitionFor(`key-${i}`, 6)))
    expect(used.size).toBe(6)
  })

  it('applies update operators without touching the original', () => {
    const doc = { _id: 'x', n: 1, tags: ['a'], deep: { v: 1 } }
    expect(applyUpdate(doc, { $inc: { n: 2 }, $addToSet: { tags: 'b' }, $set: { 'deep.v': 5 } })).toEqual({ _id: 'x', n: 3, tags: ['a', 'b'], deep: { v: 5 } })
    expect(doc).toEqual({ _id: 'x', n: 1, tags: ['a'], deep: { v: 1 } })
  })

  it('escapes highlighted text and keeps only search words', () => {
    expect(markHighlights('<img src=x>\u0001hit\u0002')).toBe('&lt;img src=x&gt;<mark>hit</mark>')
    expect(searchWords('Flour" OR (*bread*)')).toEqual(['flour', 'or', 'bread'])
  })

  it('suggests addresses and splits lists the way forms need', () => {
    expect(slugify('Rust & Go: Systems!')).toBe('rust-go-systems')
    expect(splitList(' Chess, , music ')).toEqual(['chess', 'music'])
  })

  it('validates a new community with errors per field', () => {
    const result = communityCreateSchema.safeParse({ name: 'ab', slug: 'Not OK', topics: ['x'], extra: true })
    expect(result.success).toBe(false)
    const paths = result.error!.issues.map(i => i.path.join('.') || i.code)
    expect(paths).toEqual(expect.arrayContaining(['name', 'slug', 'topics.0']))
    expect(communityCreateSchema.parse({ name: 'Chess club', slug: 'chess-club' })).toMatchObject({ visibility: 'public', postsNeedApproval: false, topics: [] })
  })
})
