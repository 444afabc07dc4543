import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.rejectPost, ({ domain, actor, params, body }) => domain.moderation.reject(actor, params.id, body.reason))
