import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.analyticsRunBatch, ({ domain, actor, body }) => domain.analytics.requestBatch(actor, body.cutoff))
