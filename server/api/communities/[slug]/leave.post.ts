import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.leaveCommunity, ({ domain, actor, params }) => domain.communities.leave(actor, params.slug))
