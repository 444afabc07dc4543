// Adds up the test reports and prints the closing line CI reads: "tests: N passed, N failed".
// It alone prints lines of that shape; scripts/test.sh keeps every other tool's verdict out.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const [dir, ...failedSteps] = process.argv.slice(2)
let passed = 0
let failed = 0
let skipped = 0

for (const name of ['unit.json', 'api.json', 'real.json']) {
  const file = join(dir, name)
  if (!existsSync(file)) continue
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed += report.numPassedTests
  failed += report.numFailedTests
  skipped += report.numPendingTests + report.numTodoTests
  console.log(`${name.replace('.json', '')}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`)
}
for (const name of ['e2e.json', 'e2e-real.json']) {
  const file = join(dir, name)
  if (!existsSync(file)) continue
  const { stats } = JSON.parse(readFileSync(file, 'utf8'))
  passed += stats.expected
  failed += stats.unexpected + stats.flaky
  skipped += stats.skipped
  console.log(`${name.replace('.json', '')}: ${stats.expected} passed, ${stats.unexpected + stats.flaky} failed`)
}
// The API fuzzer's generated cases count one by one (scripts/fuzz-api.sh writes fuzz.json).
const fuzzFile = join(dir, 'fuzz.json')
if (existsSync(fuzzFile)) {
  const fuzz = JSON.parse(readFileSync(fuzzFile, 'utf8'))
  passed += fuzz.passed
  failed += fuzz.failed
  console.log(`fuzz cases: ${fuzz.passed} passed, ${fuzz.failed} failed`)
}
const checks = existsSync(join(dir, 'checks.txt')) ? readFileSync(join(dir, 'checks.txt'), 'utf8').trim().split('\n') : []
for (const line of checks) console.log(line)
passed += checks.filter(l => l.endsWith(': ok')).length
failed += checks.filter(l => l.endsWith(': FAILED')).length

// A step that failed without counting a failed test (a crash, a failed build) still counts as one failure.
const silent = failedSteps.filter(step => !['lint', 'typecheck', 'compose'].includes(step)).length && !failed ? 1 : 0
if (failedSteps.length) console.log(`failed steps: ${failedSteps.join(', ')}`)
if (skipped) console.log(`skipped: ${skipped}`)
console.log(`tests: ${passed} passed, ${failed + silent} failed`)
process.exit(failedSteps.length || failed ? 1 : 0)
