import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.unblock, ({ domain, actor, params }) => domain.connections.set(actor, params.handle, 'block', false))
