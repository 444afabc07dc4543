import { api } from '../../../../../shared/api/contract'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.addGroupMember, ({ domain, actor, params, body }) => domain.groups.addMember(actor, params.id, body.handle))
