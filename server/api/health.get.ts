import { api } from '../../shared/api/contract'
import { defineRoute } from '../utils/route'
import { portsHealth } from '../../adapters/health'

export default defineRoute(api.health, ({ domain }) => portsHealth(domain.ports))
