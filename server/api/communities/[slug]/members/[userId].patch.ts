import { api } from '../../../../../shared/api/contract'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.changeMemberRole, ({ domain, actor, params, body }) => domain.communities.changeRole(actor, params.slug, params.userId, body.role))
