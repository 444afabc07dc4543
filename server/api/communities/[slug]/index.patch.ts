import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.updateCommunity, ({ domain, actor, params, body }) => domain.communities.update(actor, params.slug, body))
