import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.analyticsLive, ({ domain, actor, query }) => domain.analytics.live(actor, query))
