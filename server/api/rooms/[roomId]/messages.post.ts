import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.sendMessage, ({ domain, actor, params, body }) => domain.chat.send(actor, params.roomId, body))
