import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.follow, ({ domain, actor, params }) => domain.connections.follow(actor, params.handle))
