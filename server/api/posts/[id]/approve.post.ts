import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.approvePost, ({ domain, actor, params }) => domain.moderation.approve(actor, params.id))
