// Bundles scripts/eval-suggestions.ts (the project's imports have no extensions, which node's own
// type stripping needs) and runs it; packages stay in node_modules.
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { build } from 'esbuild'

// Inside the project, so that the bundle finds the packages in node_modules.
const outfile = 'node_modules/.cache/c18n/eval-suggestions.mjs'
await build({ entryPoints: ['scripts/eval-suggestions.ts'], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node24', packages: 'external', logLevel: 'warning' })
await import(pathToFileURL(resolve(outfile)).href)
