import { api } from '../../../../../shared/api/contract'
import { idempotent } from '../../../../utils/idempotency'
import { defineRoute } from '../../../../utils/route'

export default defineRoute(api.react, idempotent(({ domain, actor, params, body }) => domain.posts.react(actor, params.id, body.kind)))
