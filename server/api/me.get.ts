import { api } from '../../shared/api/contract'
import { defineRoute } from '../utils/route'
import { getCurrentUser } from '../utils/session'

export default defineRoute(api.me, async ({ event }) => (await getCurrentUser(event))!)
