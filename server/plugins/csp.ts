import { randomBytes } from 'node:crypto'
import { getRequestURL, setResponseHeader } from 'h3'
import { defineNitroPlugin } from 'nitropack/runtime'

/** Origins the sign-in may submit a form to: the identity provider's, when Okta is configured. */
function identityProviderOrigin(): string {
  try {
    return process.env.OKTA_ISSUER ? ` ${new URL(process.env.OKTA_ISSUER).origin}` : ''
  }
  catch {
    return ''
  }
}

/**
 * Pages get a Content-Security-Policy with a fresh nonce per response: Nuxt's inline scripts
 * (the payload and the config) carry the nonce, so no other inline script, injected or not, runs.
 * Styles allow inline because Vue binds style attributes; they cannot run code.
 */
/** Where presigned uploads go, when the object store is S3. */
function objectStoreOrigin() {
  const endpoint = process.env.S3_ENDPOINT
  try {
    return endpoint ? ` ${new URL(endpoint).origin}` : ''
  }
  catch {
    return ''
  }
}

export default defineNitroPlugin((nitroApp) => {
  nitroApp.hooks.hook('render:html', (html, { event }) => {
    const nonce = randomBytes(16).toString('base64')
    // 'self' covers same-origin websockets in CSP 3; older browsers need the ws(s) origin spelled out.
    const { host, protocol } = getRequestURL(event, { xForwardedHost: process.env.C18N_TRUST_PROXY === 'true', xForwardedProto: process.env.C18N_TRUST_PROXY === 'true' })
    const websocket = `${protocol === 'https:' ? 'wss' : 'ws'}://${host}`
    const withNonce = (chunk: string) => chunk.replace(/<script(?![^>]*\snonce=)/g, `<script nonce="${nonce}"`)
    for (const part of ['head', 'bodyPrepend', 'body', 'bodyAppend'] as const) html[part] = html[part].map(withNonce)
    setResponseHeader(event, 'Content-Security-Policy', [
      'default-src \'self\'',
      `script-src 'self' 'nonce-${nonce}'`,
      'style-src \'self\' \'unsafe-inline\'',
      // Avatars may be any http(s) address a user gives.
      // blob: for the preview of a file being uploaded.
      'img-src \'self\' data: blob: https: http:',
      'font-src \'self\'',
      // On S3 the browser PUTs uploads straight to the store.
      `connect-src 'self' ${websocket}${objectStoreOrigin()}`,
      // The service worker and the web app manifest come from this origin only.
      'worker-src \'self\'',
      'manifest-src \'self\'',
      'object-src \'none\'',
      'base-uri \'self\'',
      `form-action 'self'${identityProviderOrigin()}`,
      'frame-ancestors \'none\'',
    ].join('; '))
  })
})
