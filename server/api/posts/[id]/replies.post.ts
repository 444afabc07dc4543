import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.reply, ({ domain, actor, params, body }) => domain.posts.reply(actor, params.id, body))
