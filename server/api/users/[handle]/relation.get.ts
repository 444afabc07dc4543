import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.relation, ({ domain, actor, params }) => domain.connections.relation(actor, params.handle))
