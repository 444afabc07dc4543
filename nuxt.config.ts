// The Vue app lives in app/ as Nuxt 4 lays it out; server/, shared/, core/ and adapters/ sit beside it.
export default defineNuxtConfig({
  modules: ['@sidebase/nuxt-auth', '@nuxt/eslint', '@vite-pwa/nuxt'],
  // Components are grouped in folders by domain but named by their file alone (PostCard, FieldError).
  components: [{ path: '~/components', pathPrefix: false }],
  devtools: { enabled: false },
  app: {
    head: {
      htmlAttrs: { lang: 'en' },
      title: 'c18n',
      meta: [
        { name: 'viewport', content: 'width=device-width, initial-scale=1, viewport-fit=cover' },
        { name: 'description', content: 'c18n: communities, conversations and people worth knowing' },
        { name: 'theme-color', content: '#3b4cca' },
      ],
      link: [
        { rel: 'manifest', href: '/manifest.webmanifest' },
        { rel: 'icon', type: 'image/png', href: '/icons/icon-64.png' },
        { rel: 'apple-touch-icon', href: '/icons/apple-touch-icon-180.png' },
      ],
    },
  },
  css: ['~/assets/main.css'],
  runtimeConfig: {
    authSecret: '',
    localAccounts: true,
  },
  // Builds go into the checkout's own .nuxt, not node_modules/.cache: checkouts that share one
  // node_modules (worktrees) would otherwise build into the same folder and break each other.
  buildDir: '.nuxt',
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
  // Installable on phones, with an offline shell (docs/pwa.md says what is cached and why).
  pwa: {
    registerType: 'prompt',
    // The layout links the manifest (app.head above) and the client plugin registers the worker.
    injectRegister: false,
    manifest: {
      id: '/',
      name: 'c18n: communities and conversations',
      short_name: 'c18n',
      description: 'c18n: communities, conversations and people worth knowing',
      lang: 'en',
      start_url: '/?source=pwa',
      scope: '/',
      display: 'standalone',
      orientation: 'portrait',
      theme_color: '#3b4cca',
      background_color: '#f4f5f9',
      icons: [
        { src: '/icons/icon-64.png', sizes: '64x64', type: 'image/png' },
        { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
      shortcuts: [
        { name: 'Chat', short_name: 'Chat', url: '/chat', icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }] },
        { name: 'Notifications', short_name: 'Notifications', url: '/notifications', icons: [{ src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' }] },
      ],
    },
    workbox: {
      // Pages are rendered per person: no page is precached or served for another URL.
      navigateFallback: null,
      globPatterns: ['**/*.{js,css,png,svg,webmanifest}', 'offline.html', '_nuxt/builds/**/*.json'],
      cleanupOutdatedCaches: true,
      // The first worker takes charge of the page that installed it, so that page's reads are kept too.
      clientsClaim: true,
      // Entries keep their file names: the module's default rewrites offline.html to /offline, a page that does not exist.
      manifestTransforms: [],
      // Network first with no timeout: a slow server still answers with today's page; only a failed
      // request (offline) falls back to the copy kept.
      runtimeCaching: [
        {
          // Pages the person opened, each under its own URL; a page never seen offline gets offline.html.
          urlPattern: ({ request, url, sameOrigin }) => request.mode === 'navigate' && sameOrigin && !url.pathname.startsWith('/api/'),
          handler: 'NetworkFirst',
          options: {
            cacheName: 'c18n-pages',
            expiration: { maxEntries: 80, maxAgeSeconds: 14 * 24 * 3600 },
            cacheableResponse: { statuses: [200] },
            precacheFallback: { fallbackURL: '/offline.html' },
          },
        },
        {
          // Answers to the API's reads the person made (GET only; sign-in routes other than the session never).
          urlPattern: ({ request, url, sameOrigin }) => request.method === 'GET' && sameOrigin
            && url.pathname.startsWith('/api/') && (!url.pathname.startsWith('/api/auth/') || url.pathname === '/api/auth/session'),
          handler: 'NetworkFirst',
          options: {
            cacheName: 'c18n-api',
            expiration: { maxEntries: 400, maxAgeSeconds: 14 * 24 * 3600 },
            cacheableResponse: { statuses: [200] },
          },
        },
      ],
    },
    client: { installPrompt: 'c18n:hide-install', periodicSyncForUpdates: 3600 },
  },
})
