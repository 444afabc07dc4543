import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.analyticsTop, ({ domain, actor, query }) => domain.analytics.top(actor, query))
