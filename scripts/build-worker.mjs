// Bundles the worker's own code into .output/worker/index.mjs; packages stay in node_modules.
import { build } from 'esbuild'

await build({
  entryPoints: ['workers/main.ts'],
  outfile: '.output/worker/index.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
})
