import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.createPost, ({ domain, actor, params, body }) => domain.posts.create(actor, params.slug, body))
