import { api } from '../../../../../shared/api/contract'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.unreactMessage, ({ domain, actor, params }) => domain.chat.react(actor, params.id, params.kind, false))
