import { randomBytes } from 'node:crypto'

/**
 * Time-ordered ids (milliseconds in base 36, then randomness), so that sorting
 * by id is sorting by creation and an id can serve as a pagination cursor.
 */
export function newId(now = Date.now()): string {
  return now.toString(36).padStart(9, '0') + randomBytes(6).toString('base64url')
}
