import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.getRoom, ({ domain, actor, params }) => domain.chat.room(actor, params.roomId))
