import type { Doc, Filter, FindOptions, Scalar, Sort } from '../../core/ports/document-store'

/**
 * FerretDB 1.x hands Postgres only plain equalities (its `explain` says `pushdown: false` for
 * `$in`): any other filter makes it read and decode the whole table in Go, one CPU core for the
 * lot, so a batch's `{_id: {$in: ids}}` costs a scan of the collection. Equality on `_id` is an
 * index lookup there. This turns a short `$in` on `_id` into one equality query per value, run
 * at once; sort, skip and limit are then applied here, as the server would have.
 */
export const MAX_EXPANDED = 64

/** The one-value filters that together match what `filter` does, or null to send it as it is. */
export function expandIdIn(filter: Filter): Filter[] | null {
  const condition = filter._id
  if (!condition || typeof condition !== 'object' || !Array.isArray(condition.$in)) return null
  const { $in, ...otherOps } = condition
  if (Object.keys(otherOps).length || $in.length > MAX_EXPANDED) return null
  const rest = Object.fromEntries(Object.entries(filter).filter(([field]) => field !== '_id'))
  return [...new Set($in)].map(value => ({ ...rest, _id: value }))
}

// The order MongoDB gives scalars of different types: null (and missing), numbers, strings, booleans.
const typeRank = (value: unknown) => (value === null || value === undefined ? 0 : typeof value === 'number' ? 1 : typeof value === 'string' ? 2 : 3)

function fieldOf(doc: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), doc)
}

function compare(a: unknown, b: unknown): number {
  const ranks = typeRank(a) - typeRank(b)
  if (ranks) return ranks
  if (a === b || a === null || a === undefined) return 0
  return (a as Scalar)! < (b as Scalar)! ? -1 : 1
}

/** What the server would have answered for the whole filter, from the documents its parts found (each once: the ids are distinct). */
export function combine<T extends Doc>(found: T[], options: FindOptions): T[] {
  let docs = found
  if (options.sort) docs = docs.sort(comparator(options.sort))
  const start = options.skip ?? 0
  return docs.slice(start, options.limit ? start + options.limit : undefined)
}

function comparator(sort: Sort) {
  const keys = Object.entries(sort)
  return (a: Doc, b: Doc) => {
    for (const [path, direction] of keys) {
      const order = compare(fieldOf(a as never, path), fieldOf(b as never, path))
      if (order) return order * direction
    }
    return 0
  }
}
