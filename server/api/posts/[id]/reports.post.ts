import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.reportPost, ({ domain, actor, params, body }) => domain.moderation.report(actor, params.id, body.reason))
