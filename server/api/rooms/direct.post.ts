import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.startDirect, ({ domain, actor, body }) => domain.chat.startDirect(actor, body.handles))
