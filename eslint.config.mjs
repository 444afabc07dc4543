import importX from 'eslint-plugin-import-x'
import withNuxt from './.nuxt/eslint.config.mjs'

// Domain and ports import no framework, driver or adapter; only the factory knows the adapters.
const domainBoundary = {
  patterns: [
    { group: ['**/adapters/**', '**/server/**', '#*', 'h3', 'nitropack*', 'nuxt*', 'vue'], message: 'core/ is framework-free: it must not import adapters, server code or frameworks.' },
    { group: ['kafkajs', 'mongodb', 'ioredis', 'bullmq', '@elastic/*', 'minio'], message: 'core/ must not import drivers; add a port instead.' },
  ],
}

// Imports flow one way: app -> shared; server and workers -> core -> shared; adapters sit behind the
// ports of core and are picked by adapters/factory.ts alone.
const layer = (message, ...groups) => ({ group: groups, message })
const appBoundary = {
  patterns: [layer('app/ talks to the server over HTTP and websockets only: import from shared/, never server, core, adapters or workers code.', '**/server/**', '**/core/**', '**/adapters/**', '**/workers/**', '~~/server/**', '~~/core/**', '~~/adapters/**', '~~/workers/**')],
}
const sharedBoundary = {
  patterns: [layer('shared/ holds contracts and pure helpers used by every layer: it imports none of them.', '**/app/**', '**/server/**', '**/core/**', '**/adapters/**', '**/workers/**', '#*', 'vue', 'nuxt*', 'h3')],
}
const adapterBoundary = {
  patterns: [layer('adapters/ implement core/ports: they never import the app, the server or the workers.', '**/app/**', '**/server/**', '**/workers/**', '#*')],
}

// No import cycles in the layers below the app: a cycle is two modules that cannot be owned apart.
const noCycles = {
  files: ['core/**/*.ts', 'shared/**/*.ts', 'server/**/*.ts', 'workers/**/*.ts', 'adapters/**/*.ts'],
  plugins: { 'import-x': importX },
  settings: {
    'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    'import-x/resolver-next': [importX.createNodeResolver({ extensions: ['.ts', '.js', '.mjs'] })],
  },
  rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
}

export default withNuxt(
  { ignores: ['.data/**', '.cache/**', 'infra/**/cache/**'] },
  noCycles,
  { files: ['core/**/*.ts'], rules: { 'no-restricted-imports': ['error', domainBoundary] } },
  { files: ['shared/**/*.ts'], rules: { 'no-restricted-imports': ['error', sharedBoundary] } },
  { files: ['app/**/*.ts', 'app/**/*.vue'], rules: { 'no-restricted-imports': ['error', appBoundary] } },
  { files: ['adapters/**/*.ts'], rules: { 'no-restricted-imports': ['error', adapterBoundary] } },
  // Short callbacks such as `() => { stopped = true }` read best on one line.
  { rules: { '@stylistic/max-statements-per-line': ['error', { max: 2 }] } },
  // Tests read untyped JSON answers.
  { files: ['tests/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
)
