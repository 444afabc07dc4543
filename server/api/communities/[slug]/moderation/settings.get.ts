import { api } from '../../../../../shared/api/contract'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.moderationSettings, ({ domain, actor, params }) => domain.moderation.settings(actor, params.slug))
