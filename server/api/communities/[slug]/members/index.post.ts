import { api } from '../../../../../shared/api/contract'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.addMember, ({ domain, actor, params, body }) => domain.communities.addMember(actor, params.slug, body.handle))
