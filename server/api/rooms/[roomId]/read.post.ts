import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.markRoomRead, ({ domain, actor, params }) => domain.chat.markRead(actor, params.roomId))
