import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.unfollow, ({ domain, actor, params }) => domain.connections.unfollow(actor, params.handle))
