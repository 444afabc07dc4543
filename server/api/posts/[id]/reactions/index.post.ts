import { api } from '../../../../../shared/api/contract'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.react, ({ domain, actor, params, body }) => domain.posts.react(actor, params.id, body.kind))
