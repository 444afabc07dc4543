import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.editMessage, ({ domain, actor, params, body }) => domain.chat.edit(actor, params.id, body.body))
