import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.dismissFlag, ({ domain, actor, params, body }) => domain.moderation.dismiss(actor, params.id, body.note))
