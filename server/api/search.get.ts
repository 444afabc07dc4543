import { api } from '../../shared/api/contract'
import { defineRoute } from '../utils/route'

export default defineRoute(api.search, ({ domain, actor, query }) => domain.search.searchPosts(actor, query))
