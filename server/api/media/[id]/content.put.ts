import { getRequestHeader, setResponseStatus } from 'h3'
import { httpError } from '../../../utils/api'
import { defineMediaRoute, readBodyUpTo } from '../../../utils/media-route'

/**
 * Embedded mode's upload target, where S3 mode has a presigned PUT: the ticket's owner sends the
 * bytes, no more than the ticket names, with its content type.
 */
export default defineMediaRoute(async ({ event, actor, domain, id }) => {
  if (!actor) throw httpError(401, 'Sign in to do this')
  const declared = getRequestHeader(event, 'content-length')
  if (declared === undefined) throw httpError(411, 'Send the file with a Content-Length')
  if (Number(declared) > domain.media.settings.maxBytes) throw httpError(413, 'The file is larger than the upload limit')
  await domain.media.receive(actor, id, getRequestHeader(event, 'content-type'), limit => readBodyUpTo(event, limit))
  setResponseStatus(event, 204)
  return null
})
