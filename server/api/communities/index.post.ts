import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.createCommunity, ({ domain, actor, body }) => domain.communities.create(actor, body))
