import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.listCommunities, ({ domain, actor, query }) => domain.communities.list(actor, query))
