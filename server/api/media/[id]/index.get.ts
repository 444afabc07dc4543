import { sendRedirect, setResponseHeaders } from 'h3'
import { mediaQuerySchema } from '../../../../shared/schemas/media'
import { queryValidated } from '../../../utils/api'
import { defineMediaRoute } from '../../../utils/media-route'

/**
 * A file's rendition, after the same checks as the content it is on: a redirect to a
 * short-lived signed URL on S3, the bytes from the embedded store. Never cached by a shared cache.
 */
export default defineMediaRoute(async ({ event, actor, domain, id }) => {
  const { size } = queryValidated(event, mediaQuerySchema)
  const content = await domain.media.content(actor, id, size)
  setResponseHeaders(event, { 'Cache-Control': 'private, max-age=60', 'Vary': 'Cookie' })
  if ('redirect' in content) return sendRedirect(event, content.redirect, 302)
  setResponseHeaders(event, { 'Content-Type': content.contentType, 'Content-Length': String(content.body.byteLength) })
  return content.body
})
