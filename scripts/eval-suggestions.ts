import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { closePorts, createPorts } from '../adapters/factory'
import { seedDemoData } from '../core/demo/seed'
import { createDomain } from '../core/domain'
import { evaluateCommunitySuggestions, formatEvaluation } from '../core/suggestions/evaluate'
import { graphFromLog } from '../core/suggestions/graph'
import { startConsumers } from '../workers/consumers'

/**
 * Offline evaluation of community suggestions on the deterministic demo data, in an embedded
 * domain in a temporary folder: `npm run eval:suggestions`.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'c18n-eval-'))
const ports = await createPorts({ dataDir })
const domain = createDomain(ports)
await domain.setup()
const consumers = await startConsumers(domain)
await seedDemoData(domain)
await consumers.stop()
const graph = await graphFromLog(ports.store)
console.info(`graph of ${graph.graph.order} nodes and ${graph.graph.size} edges from the demo data's event log`)
console.info(formatEvaluation(evaluateCommunitySuggestions(graph)))
await closePorts(ports)
rmSync(dataDir, { recursive: true, force: true })
