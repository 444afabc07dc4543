import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.createGroup, ({ domain, actor, body }) => domain.groups.create(actor, body))
