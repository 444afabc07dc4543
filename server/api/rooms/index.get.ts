import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.listRooms, async ({ domain, actor }) => ({ items: await domain.chat.rooms(actor) }))
