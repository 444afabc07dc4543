import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.following, ({ domain, params, query }) => domain.connections.list(params.handle, 'following', query))
