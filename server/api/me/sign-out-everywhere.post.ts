import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.signOutEverywhere, async ({ domain, actor }) => {
  await domain.sessions.revokeAll(actor!.id)
})
