import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.banMember, ({ domain, actor, params, body }) => domain.moderation.ban(actor, params.slug, { userId: body.userId, mode: body.mode, reason: body.reason, until: body.hours === null ? null : new Date(Date.now() + body.hours * 3_600_000).toISOString() }))
