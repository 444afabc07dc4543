import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.followers, ({ domain, params, query }) => domain.connections.list(params.handle, 'followers', query))
