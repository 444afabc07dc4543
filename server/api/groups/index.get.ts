import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.listGroups, ({ domain, actor, query }) => domain.groups.listMine(actor, query))
