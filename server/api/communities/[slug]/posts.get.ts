import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.feed, ({ domain, actor, params, query }) => domain.posts.feed(actor, params.slug, query))
