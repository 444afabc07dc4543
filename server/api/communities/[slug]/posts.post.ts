import { api } from '../../../../shared/api/contract'
import { idempotent } from '../../../utils/idempotency'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.createPost, idempotent(({ domain, actor, params, body }) => domain.posts.create(actor, params.slug, body)))
