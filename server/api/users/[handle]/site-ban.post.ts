import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.siteBan, async ({ domain, actor, params, body }) => {
  const banned = await domain.users.siteBan(actor, params.handle, body.reason)
  // Banned means out now: every session ends and its live connections close, on every instance.
  await domain.sessions.revokeAll(banned.id)
})
