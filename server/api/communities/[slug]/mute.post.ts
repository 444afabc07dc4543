import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.muteCommunity, ({ domain, actor, params, body }) => domain.communities.mute(actor, params.slug, body.muted))
