import { getRequestURL } from 'h3'
import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.share, ({ domain, actor, params, body, event }) => domain.posts.share(actor, params.id, body.target, getRequestURL(event).origin))
