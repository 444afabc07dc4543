import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.suggestions, ({ domain, actor, query }) => domain.suggestions.forUser(actor, query))
