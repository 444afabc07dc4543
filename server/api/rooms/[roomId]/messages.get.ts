import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.roomMessages, ({ domain, actor, params, query }) => domain.chat.history(actor, params.roomId, query))
