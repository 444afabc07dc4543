import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.searchMessages, ({ domain, actor, query }) => domain.chat.search(actor, query))
