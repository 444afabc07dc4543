import { api } from '../../../../../shared/api/contract'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.removeGroupMember, ({ domain, actor, params }) => domain.groups.removeMember(actor, params.id, params.userId))
