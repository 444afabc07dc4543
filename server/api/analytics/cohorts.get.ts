import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.analyticsCohorts, ({ domain, actor, query }) => domain.analytics.cohorts(actor, query))
