import { api } from '../../../shared/api/contract'
import { defineRoute } from '../../utils/route'

export default defineRoute(api.myMedia, ({ domain, actor }) => domain.media.usage(actor))
