import withNuxt from './.nuxt/eslint.config.mjs'

// Domain and ports import no framework, driver or adapter; only the factory knows the adapters.
const domainBoundary = {
  patterns: [
    { group: ['**/adapters/**', '**/server/**', '#*', 'h3', 'nitropack*', 'nuxt*', 'vue'], message: 'core/ is framework-free: it must not import adapters, server code or frameworks.' },
    { group: ['kafkajs', 'mongodb', 'ioredis', 'bullmq', '@elastic/*', 'minio'], message: 'core/ must not import drivers; add a port instead.' },
  ],
}

export default withNuxt(
  { ignores: ['.data/**', '.cache/**', 'infra/**/cache/**'] },
  { files: ['core/**/*.ts', 'shared/**/*.ts'], rules: { 'no-restricted-imports': ['error', domainBoundary] } },
  // Short callbacks such as `() => { stopped = true }` read best on one line.
  { rules: { '@stylistic/max-statements-per-line': ['error', { max: 2 }] } },
  // Tests read untyped JSON answers.
  { files: ['tests/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
)
