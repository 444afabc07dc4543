import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.listUsers, ({ domain, query }) => domain.users.list(query))
