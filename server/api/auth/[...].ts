import { NuxtAuthHandler } from '#auth'
import { authOptions } from '../../utils/auth-options'

export default NuxtAuthHandler(authOptions())
