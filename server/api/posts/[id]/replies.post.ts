import { api } from '../../../../shared/api/contract'
import { idempotent } from '../../../utils/idempotency'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.reply, idempotent(({ domain, actor, params, body }) => domain.posts.reply(actor, params.id, body)))
