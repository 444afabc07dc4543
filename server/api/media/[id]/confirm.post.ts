import { api } from '../../../../shared/api/contract'
import { defineRoute } from '../../../utils/route'

export default defineRoute(api.confirmUpload, ({ domain, actor, params }) => domain.media.confirm(actor, params.id))
