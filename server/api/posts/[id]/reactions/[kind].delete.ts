import { api } from '../../../../../shared/api/contract'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.unreact, ({ domain, actor, params }) => domain.posts.unreact(actor, params.id, params.kind))
