import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.postHistory, async ({ domain, actor, params }) => ({ items: await domain.posts.history(actor, params.id) }))
