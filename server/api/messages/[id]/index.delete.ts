import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.deleteMessage, ({ domain, actor, params }) => domain.chat.remove(actor, params.id))
