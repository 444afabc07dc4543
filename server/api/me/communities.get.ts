import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.myCommunities, ({ domain, actor, query }) => domain.communities.listMine(actor, query))
