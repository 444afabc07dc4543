import { defineEventHandler } from 'h3'
import { httpError } from '../utils/api'

/** An address under /api that no route serves: a JSON 404 of the documented shape, not the page renderer's. */
export default defineEventHandler((event) => {
  throw httpError(404, `No API route answers ${event.method} ${event.path.split('?')[0]!.slice(0, 200)}`)
})
