// Sums up a fuzz run in a few lines of our own (schemathesis's banner looks like a test runner's
// closing line, which CI would read as the verdict) and writes the counts as JSON.
//
//   node scripts/fuzz/summary.mjs <schemathesis log> <calls.ndjson> <openapi.json> <report.json> <seconds> <exit code>
import { readFileSync, writeFileSync } from 'node:fs'

const [logFile, callsFile, specFile, reportFile, seconds, exitCode] = process.argv.slice(2)
const log = readFileSync(logFile, 'utf8')
const spec = JSON.parse(readFileSync(specFile, 'utf8'))

// Every documented operation, labelled as schemathesis labels them.
const operations = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map(method => `${method.toUpperCase()} ${path}`))
const statuses = new Map(operations.map(label => [label, new Map()]))
for (const line of readFileSync(callsFile, 'utf8').split('\n').filter(Boolean)) {
  const { operation, status } = JSON.parse(line)
  if (!operation) continue
  const counts = statuses.get(operation) ?? new Map()
  counts.set(status, (counts.get(status) ?? 0) + 1)
  statuses.set(operation, counts)
}

// An operation that never answered with a success was never reached past its checks: say why.
const served = counts => [...counts.keys()].some(status => status >= 200 && status < 300)
const notFoundOnly = []
const unauthorizedOnly = []
const neverServed = []
for (const [label, counts] of statuses) {
  if (served(counts)) continue
  const top = [...counts].filter(([status]) => status !== 400).sort((a, b) => b[1] - a[1])[0]?.[0]
  if (top === 404) notFoundOnly.push(label)
  else if (top === 401 || top === 403) unauthorizedOnly.push(label)
  else neverServed.push(label)
}

// schemathesis's own count of test cases: "N generated, N passed" or "N generated, K found M unique failures".
const cases = log.match(/(\d+) generated, (\d+) (passed|found)/)
const generated = cases ? Number(cases[1]) : 0
const failed = cases && cases[3] === 'found' ? Number(cases[2]) : 0
const failing = [...new Set([...log.matchAll(/^_+ ((?:GET|POST|PUT|PATCH|DELETE) \S+) _+$/gm)].map(m => m[1]))]
const crashed = generated === 0 || (Number(exitCode) !== 0 && failed === 0)

const report = { passed: generated - failed, failed: failed + (crashed ? 1 : 0), operations: operations.length, notFoundOnly, unauthorizedOnly, neverServed, failingOperations: failing, seconds: Number(seconds) }
writeFileSync(reportFile, `${JSON.stringify(report, null, 2)}\n`)

const say = line => console.log(`[fuzz] ${line}`)
say(`${operations.length} operations, ${operations.length - notFoundOnly.length - unauthorizedOnly.length - neverServed.length} of them served at least once`)
say(`${generated} test cases in ${seconds}s: ${generated - failed} without failure, ${failed} failing`)
if (failing.length) say(`failing operations: ${failing.join(', ')}`)
if (notFoundOnly.length) say(`only 404 from: ${notFoundOnly.join(', ')}`)
if (unauthorizedOnly.length) say(`only 401/403 from: ${unauthorizedOnly.join(', ')}`)
if (neverServed.length) say(`never served: ${neverServed.join(', ')}`)
if (crashed) say(`schemathesis stopped with exit code ${exitCode} without a test failure: see the log`)
process.exitCode = failed || crashed || notFoundOnly.length || unauthorizedOnly.length || neverServed.length ? 1 : 0
