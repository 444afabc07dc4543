import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.dismissSuggestion, ({ domain, actor, body }) => domain.suggestions.dismiss(actor, body))
