import { api } from '../../../../../shared/api/contract'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.reactMessage, ({ domain, actor, params, body }) => domain.chat.react(actor, params.id, body.kind, true))
