import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.getCommunity, ({ domain, actor, params }) => domain.communities.get(actor, params.slug))
