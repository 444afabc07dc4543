import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.listBans, ({ domain, actor, params, query }) => domain.moderation.listBans(actor, params.slug, query))
