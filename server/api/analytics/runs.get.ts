import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.analyticsRuns, ({ domain, actor }) => domain.analytics.batchRuns(actor))
