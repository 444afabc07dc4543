import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.getGroup, ({ domain, actor, params }) => domain.groups.get(actor, params.id))
