import { api } from '../../../../../shared/api/contract'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.moderationQueue, ({ domain, actor, params, query }) => domain.moderation.queue(actor, params.slug, query))
