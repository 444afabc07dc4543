import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.homeFeed, ({ domain, actor, query }) => domain.home.page(actor, query))
