import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.markRead, ({ domain, actor, body }) => domain.notifications.markRead(actor, body))
