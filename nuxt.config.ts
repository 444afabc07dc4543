// The Vue app lives in app/ as Nuxt 4 lays it out; server/, shared/, core/ and adapters/ sit beside it.
export default defineNuxtConfig({
  modules: ['@sidebase/nuxt-auth', '@nuxt/eslint'],
  // Components are grouped in folders by domain but named by their file alone (PostCard, FieldError).
  components: [{ path: '~/components', pathPrefix: false }],
  devtools: { enabled: false },
  // Builds go into the checkout's own .nuxt, not node_modules/.cache: checkouts that share one
  // node_modules (worktrees) would otherwise build into the same folder and break each other.
  buildDir: '.nuxt',
  app: {
    head: {
      htmlAttrs: { lang: 'en' },
      title: 'c18n',
      meta: [
        { name: 'viewport', content: 'width=device-width, initial-scale=1, viewport-fit=cover' },
        { name: 'description', content: 'c18n: communities, conversations and people worth knowing' },
        { name: 'theme-color', content: '#3b4cca' },
      ],
    },
  },
  css: ['~/assets/main.css'],
  runtimeConfig: {
    authSecret: '',
    localAccounts: true,
  },
  compatibilityDate: '2026-07-15',
  nitro: {
    experimental: { websocket: true, openAPI: false },
    // node:sqlite and the drivers stay outside the server bundle.
    externals: { external: ['node:sqlite'] },
  },
  vite: { build: { target: 'es2022' } },
  typescript: { strict: true, typeCheck: false, tsConfig: { vueCompilerOptions: { strictTemplates: true } } },
  telemetry: false,
  auth: {
    isEnabled: true,
    // A path only: the origin comes from the request, so PORT and proxies need no setting.
    baseURL: '/api/auth',
    originEnvKey: 'AUTH_ORIGIN',
    provider: { type: 'authjs', trustHost: true, defaultProvider: undefined, addDefaultCallbackUrl: true },
    sessionRefresh: { enablePeriodically: false, enableOnWindowFocus: true },
    globalAppMiddleware: false,
  },
  eslint: { config: { stylistic: true } },
})
