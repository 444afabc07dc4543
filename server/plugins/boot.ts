import { defineNitroPlugin } from 'nitropack/runtime'
import { shutdownDomain, useDomain } from '../utils/domain'
import { log } from '../../core/observability/log'

/** Connects the ports and seeds demo data at start, so the first request does not pay for it. */
export default defineNitroPlugin((nitroApp) => {
  if (process.env.NUXT_PREPARE || import.meta.prerender) return
  useDomain().catch((error: Error) => {
    log.error({ error: error.message }, `could not start: ${error.message}`)
    process.exit(1)
  })
  nitroApp.hooks.hook('close', shutdownDomain)
})
