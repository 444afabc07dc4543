import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.getUser, ({ domain, params }) => domain.users.byHandle(params.handle))
