import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.notifications, ({ domain, actor, query }) => domain.notifications.list(actor, query))
