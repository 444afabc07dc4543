import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'
import { clientIp, enforceRateLimits, useRateRules } from '../../utils/security'

export default defineRoute(api.changePassword, async ({ event, domain, actor, body }) => {
  // Proving the current password is a guess like a sign-in: it is limited like one.
  await enforceRateLimits(event, [[useRateRules().signInPerAccount, `${clientIp(event)}:${actor!.id}`]])
  await domain.users.changePassword(actor!, body.currentPassword, body.newPassword)
  await domain.sessions.revokeAll(actor!.id)
})
