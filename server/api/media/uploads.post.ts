import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.requestUpload, ({ domain, actor, body }) => domain.media.requestUpload(actor, body))
