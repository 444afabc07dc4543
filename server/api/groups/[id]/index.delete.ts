import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.deleteGroup, ({ domain, actor, params }) => domain.groups.remove(actor, params.id))
