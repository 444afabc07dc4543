import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.removePost, ({ domain, actor, params, body }) => domain.moderation.remove(actor, params.id, body.reason))
