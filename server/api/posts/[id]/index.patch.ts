import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.editPost, ({ domain, actor, params, body }) => domain.posts.edit(actor, params.id, body))
