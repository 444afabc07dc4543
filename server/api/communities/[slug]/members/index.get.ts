import { api } from '../../../../../shared/api/contract'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.listMembers, ({ domain, actor, params, query }) => domain.communities.members(actor, params.slug, query))
