import { api } from '../../../../../shared/api/contract'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.updateModerationSettings, ({ domain, actor, params, body }) => domain.moderation.updateSettings(actor, params.slug, body))
