import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.unreadCount, ({ domain, actor }) => domain.notifications.unread(actor))
