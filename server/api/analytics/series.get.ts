import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.analyticsSeries, ({ domain, actor, query }) => domain.analytics.series(actor, query))
