import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.updateUser, ({ domain, actor, params, body }) => domain.users.update(actor, params.handle, body))
