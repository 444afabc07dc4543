import { createError, defineEventHandler } from 'h3'

// A path parameter with a percent-encoded '?', '#', '/' or '\' is decoded before routing, so
// `/api/communities/%3F/audit` would reach the community list and `%2F` another route altogether.
// No identifier of ours holds those characters: such a path names nothing.
const HIDDEN_DELIMITER = /%(?:3f|23|2f|5c)/i

export default defineEventHandler((event) => {
  // The URL as it came, not event.path: that one has %3F decoded already.
  const path = (event.node?.req.url ?? event.path).split('?')[0]!
  if (path.startsWith('/api/') && HIDDEN_DELIMITER.test(path)) {
    throw createError({ statusCode: 404, statusMessage: 'Not found', message: 'No such resource' })
  }
})
