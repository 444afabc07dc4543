import { api } from '../../../../../../shared/api/contract'
import { defineRoute } from '../../../../../utils/route'

export default defineRoute(api.liftBan, ({ domain, actor, params, body }) => domain.moderation.liftBan(actor, params.slug, params.userId, body.reason))
