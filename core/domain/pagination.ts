import type { Collection, Doc, Filter } from '../ports/document-store'
import { DomainError } from './errors'

export interface Page<T> { items: T[], nextCursor: string | null }

/** The cursor that continues a keyset page after this key. */
export function cursorAfter(value: string): string {
  return encode(value)
}

function encode(value: string): string {
  return Buffer.from(JSON.stringify({ v: value })).toString('base64url')
}

function decode(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { v?: unknown }
    if (typeof parsed.v === 'string') return parsed.v
  }
  catch { /* falls through to the error below */ }
  throw new DomainError('invalid', 'The cursor is not valid; start again from the first page', { cursor: ['not a cursor this API gave out'] })
}

/** The key a keyset cursor continues after (throws the 400 for a cursor this API did not give out). */
export function cursorValue(cursor: string): string {
  return decode(cursor)
}

/** Checks a keyset cursor up front, so a malformed one is a 400 whoever asks. */
export function checkCursor(cursor: string | undefined) {
  if (cursor) decode(cursor)
}

/**
 * Keyset pagination on a unique field: the cursor is the last key seen, so
 * pages stay stable while new items arrive.
 */
export async function paginate<T extends Doc>(
  collection: Collection<T>,
  filter: Filter,
  options: { key: keyof T & string, order: 'asc' | 'desc', limit: number, cursor?: string },
): Promise<Page<T>> {
  const after = options.cursor ? decode(options.cursor) : undefined
  const range = after === undefined ? {} : { [options.key]: options.order === 'asc' ? { $gt: after } : { $lt: after } }
  const rows = await collection.find({ ...filter, ...range }, { sort: { [options.key]: options.order === 'asc' ? 1 : -1 }, limit: options.limit + 1 })
  const items = rows.slice(0, options.limit)
  const last = items.at(-1)
  return { items, nextCursor: rows.length > options.limit && last ? encode(String(last[options.key])) : null }
}

/** Offset cursors, for search results ranked by relevance. */
export function offsetCursor(offset: number): string {
  return encode(String(offset))
}
export function offsetFromCursor(cursor: string | undefined): number {
  if (!cursor) return 0
  const offset = Number(decode(cursor))
  if (!Number.isInteger(offset) || offset < 0 || offset > 10_000) throw new DomainError('invalid', 'The cursor is not valid', { cursor: ['not a cursor this API gave out'] })
  return offset
}
