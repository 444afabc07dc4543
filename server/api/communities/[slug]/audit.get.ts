import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.communityAudit, ({ domain, actor, params, query }) => domain.audit.forCommunity(actor, params.slug, query))
