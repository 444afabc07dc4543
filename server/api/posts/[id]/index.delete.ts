import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.deletePost, ({ domain, actor, params }) => domain.posts.remove(actor, params.id))
