import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.mute, ({ domain, actor, params }) => domain.connections.set(actor, params.handle, 'mute', true))
