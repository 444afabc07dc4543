import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DatabaseSync } from 'node:sqlite'

/** Opens (creating when needed) a SQLite file in WAL mode, so readers never block the writer. */
export function openDatabase(file: string): DatabaseSync {
  mkdirSync(dirname(file), { recursive: true })
  const db = new DatabaseSync(file)
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;')
  return db
}

/** Runs `work` in one write transaction: all of it lands, or none. */
export function inTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE')
  try {
    const result = work()
    db.exec('COMMIT')
    return result
  }
  catch (error) {
    db.exec('ROLLBACK')
    throw error
  }
}

/** Names that end up inside SQL text are checked, never escaped. */
export function safeName(name: string, what: string): string {
  if (!/^[A-Za-z][A-Za-z0-9_.-]{0,100}$/.test(name)) throw new Error(`invalid ${what} name: ${name}`)
  return name
}

/** A JSON path for json_extract, from a dotted field name. */
export function jsonPath(field: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(field)) throw new Error(`invalid field name: ${field}`)
  return `$.${field}`
}

/** SQLite stores JSON booleans as 1 and 0. */
export function toSqlValue(value: unknown): string | number | null {
  if (value === null || value === undefined) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'number' || typeof value === 'string') return value
  throw new Error(`unsupported filter value: ${typeof value}`)
}
