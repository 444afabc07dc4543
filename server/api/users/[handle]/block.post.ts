import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.block, ({ domain, actor, params }) => domain.connections.set(actor, params.handle, 'block', true))
