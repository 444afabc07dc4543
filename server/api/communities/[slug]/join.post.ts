import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.joinCommunity, ({ domain, actor, params }) => domain.communities.join(actor, params.slug))
