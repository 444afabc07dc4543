import { api } from '../../../../shared/api/contract'
import { idempotent } from '../../../utils/idempotency'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.sendMessage, idempotent(({ domain, actor, params, body }) => domain.chat.send(actor, params.roomId, body)))
