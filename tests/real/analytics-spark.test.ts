import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MongoClient } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { closePorts, createPorts } from '../../adapters/factory'
import type { Ports } from '../../core/ports'
import { BATCH_MAPPING, currentRun, runBatch, runs } from '../../core/analytics/batch'
import { EmbeddedBatchEngine } from '../../core/analytics/embedded-engine'
import { batchEngineFor } from '../../core/analytics/engines'
import { generateLog, viewDocs } from '../support/analytics-log'
import { realStackEnv, withDatabase } from './stack-env'

// The batch layer on the local Spark standalone cluster (infra/stack.sh starts a master and a
// worker): the Spark job reads the event log from FerretDB with the MongoDB connector and writes
// its views to Elasticsearch; the in-process engine must produce the very same documents.
const env = realStackEnv()
if (!env.SPARK_MASTER) throw new Error('The Spark tests need SPARK_MASTER (and SPARK_SUBMIT): `infra/stack.sh up` starts the cluster and writes them to .data/stack/env')
const ns = `c18n-s${Date.now().toString(36)}`
const mongoUri = withDatabase(env.MONGODB_URI, `${ns}-spark`)
const HOUR = 3_600_000

let ports: Ports
let mongo: MongoClient
const log: string[] = []
const generated = generateLog({ events: 20_000, endMs: Math.floor(Date.now() / HOUR) * HOUR - HOUR })

beforeAll(async () => {
  ports = await createPorts({ dataDir: mkdtempSync(join(tmpdir(), 'c18n-spark-')), mongoUri, elasticsearchUrl: env.ELASTICSEARCH_URL, searchPrefix: `${ns}-` })
  mongo = await MongoClient.connect(mongoUri)
  const events = mongo.db().collection('events')
  for (let i = 0; i < generated.records.length; i += 2000) await events.insertMany(generated.records.slice(i, i + 2000) as never[], { ordered: false })
}, 120_000)

afterAll(async () => {
  for (const r of ports ? await runs(ports.store).find({}).catch(() => []) : []) await ports.search.dropIndex(r.index).catch(() => {})
  await ports?.search.dropIndex('analytics-embedded-twin').catch(() => {})
  await mongo?.db().dropDatabase().catch(() => {})
  await mongo?.close()
  if (ports) await closePorts(ports)
})

describe('the batch layer on Spark', () => {
  it('computes the same views as the in-process engine over a log with edits, deletes, late, duplicated and malformed events', async () => {
    const spark = batchEngineFor(ports, { ...process.env, C18N_ANALYTICS_ENGINE: 'spark' })
    expect(spark.name).toBe('spark')
    const cutoffMs = Date.now() - 60_000
    const result = await runBatch(ports, { engine: spark, cutoffMs, log: line => log.push(line) })
    console.info(`the Spark batch run's log:\n  ${log.filter(line => !line.includes('skipped event')).join('\n  ')}`)
    expect(result).toMatchObject({ engine: 'spark', events: generated.records.length, malformed: generated.malformed, skipped: false })
    expect(log.some(line => /skipped event ev\w+: (unknown type|no valid time|data is not an object)/.test(line))).toBe(true)
    const current = await currentRun(ports.store)
    expect(current?.runId).toBe(result.runId)
    const fromSpark = await viewDocs(ports.search, current!.index)

    // The twin: the in-process engine over the same log, into an index of its own.
    await ports.search.ensureIndex('analytics-embedded-twin', BATCH_MAPPING)
    const counts = await new EmbeddedBatchEngine(ports).compute({ runId: 'twin', cutoffMs: current!.cutoffMs, index: 'analytics-embedded-twin', log: () => {} })
    await ports.search.refresh('analytics-embedded-twin')
    expect(counts).toEqual({ events: result.events, malformed: result.malformed })
    const fromEmbedded = await viewDocs(ports.search, 'analytics-embedded-twin')
    expect(fromSpark.hours.length).toBeGreaterThan(1000)
    expect(fromSpark.cohorts.length).toBeGreaterThan(10)
    expect(fromSpark).toEqual(fromEmbedded)
    expect((await runs(ports.store).findOne({ _id: result.runId }))).toMatchObject({ status: 'done', engine: 'spark', malformed: generated.malformed })
  }, 600_000)

  it('keeps the previous views serving when a run fails, with the reason on the run, and the next run starts it again cleanly', async () => {
    const before = await currentRun(ports.store)
    expect(before).not.toBeNull()
    // A Spark installation that is not there: the quickest failure (a master that is down takes a minute of retries).
    const broken = batchEngineFor(ports, { ...process.env, C18N_ANALYTICS_ENGINE: 'spark', SPARK_SUBMIT: join(tmpdir(), 'no-such-spark-submit') })
    const cutoffMs = before!.cutoffMs + 60_000
    await expect(runBatch(ports, { engine: broken, cutoffMs })).rejects.toThrow(/could not start .*no-such-spark-submit/)
    expect(await currentRun(ports.store)).toEqual(before)
    const failed = await runs(ports.store).findOne({ _id: `run-${(Math.floor(cutoffMs / 60_000) * 60_000).toString(36)}` })
    expect(failed).toMatchObject({ status: 'running', engine: 'spark' })
    expect(failed!.error).toMatch(/could not start/)
    // The retry (the queue's next attempt) starts that run again from a clean index, in process this time.
    const retried = await runBatch(ports, { engine: new EmbeddedBatchEngine(ports), cutoffMs })
    expect(retried).toMatchObject({ resumed: true, events: generated.records.length })
    expect((await currentRun(ports.store))?.runId).toBe(retried.runId)
  }, 300_000)
})
