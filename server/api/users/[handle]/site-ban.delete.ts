import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.liftSiteBan, ({ domain, actor, params }) => domain.users.liftSiteBan(actor, params.handle))
