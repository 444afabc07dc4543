import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.renameGroup, ({ domain, actor, params, body }) => domain.groups.rename(actor, params.id, body.name))
