import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.thread, async ({ domain, actor, params }) => ({ items: await domain.posts.thread(actor, params.id) }))
