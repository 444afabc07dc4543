import { api } from '../../../../../shared/api/contract'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.removeMember, ({ domain, actor, params }) => domain.communities.removeMember(actor, params.slug, params.userId))
