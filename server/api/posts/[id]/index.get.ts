import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.getPost, ({ domain, actor, params }) => domain.posts.get(actor, params.id))
