import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { BatchCounts, BatchEngine, BatchJob } from './engine'

/** Where and how the batch job runs: a Spark cluster, and the stores it reads and writes. */
export interface SparkConfig {
  /** The cluster manager, e.g. spark://127.0.0.1:7077 (SPARK_MASTER). */
  master: string
  /** spark-submit of a Spark 4 distribution (SPARK_SUBMIT; `spark-submit` on the PATH by default). */
  submit: string
  /** Connector jars, comma-separated (SPARK_CONNECTOR_JARS), or Maven coordinates for --packages (SPARK_PACKAGES). */
  jars: string | null
  packages: string | null
  /** The Python the executors run (PYSPARK_PYTHON), when it is not the cluster's default. */
  python: string | null
  mongoUri: string
  database: string
  elasticsearchUrl: string
  /** The physical Elasticsearch name of a port-level index (the adapter's prefix). */
  indexName: (index: string) => string
  /** The job's folder (analytics/spark of the checkout by default; C18N_SPARK_JOB_DIR). */
  jobDir: string
  partitions: number
}

export const MONGO_PACKAGE = 'org.mongodb.spark:mongo-spark-connector_2.13:10.5.0'

const databaseOf = (uri: string) => uri.replace(/^[a-z+]+:\/\/[^/]*/i, '').split('?')[0]!.replace(/^\//, '') || 'test'

/** The Spark settings from the environment, or null when no Spark cluster is configured (embedded mode). */
export function sparkConfigFromEnv(stores: { mongoUri: string | null, elasticsearchUrl: string | null, indexName: (index: string) => string }, env: Record<string, string | undefined> = process.env): SparkConfig | null {
  if (!env.SPARK_MASTER || !stores.mongoUri || !stores.elasticsearchUrl) return null
  return {
    master: env.SPARK_MASTER, submit: env.SPARK_SUBMIT || 'spark-submit', jars: env.SPARK_CONNECTOR_JARS || null,
    packages: env.SPARK_CONNECTOR_JARS ? null : env.SPARK_PACKAGES || MONGO_PACKAGE, python: env.PYSPARK_PYTHON || null,
    mongoUri: stores.mongoUri, database: databaseOf(stores.mongoUri), elasticsearchUrl: stores.elasticsearchUrl, indexName: stores.indexName,
    jobDir: resolve(env.C18N_SPARK_JOB_DIR || join(process.cwd(), 'analytics/spark')), partitions: Number(env.C18N_SPARK_PARTITIONS || 1),
  }
}

const LAST_LINES = 30

/**
 * The batch engine of real mode: submits analytics/spark/batch_views.py to the Spark cluster and
 * waits for it. The job writes the views into the run's index; what it printed decides the outcome.
 */
export class SparkBatchEngine implements BatchEngine {
  readonly name = 'spark'

  constructor(private readonly config: SparkConfig) {}

  args(job: BatchJob): string[] {
    const c = this.config
    return [
      '--master', c.master, '--name', `c18n-analytics-${job.runId}`, '--deploy-mode', 'client',
      ...(c.jars ? ['--jars', c.jars] : []), ...(c.packages ? ['--packages', c.packages] : []),
      ...(c.python ? ['--conf', `spark.pyspark.python=${c.python}`] : []),
      // Small views over a log of millions: a few shuffle partitions, no web UI of the driver.
      '--conf', `spark.sql.shuffle.partitions=${Math.max(2, c.partitions)}`, '--conf', 'spark.ui.enabled=false',
      join(c.jobDir, 'batch_views.py'),
      '--run-id', job.runId, '--cutoff', new Date(job.cutoffMs).toISOString(), '--mongo-uri', c.mongoUri, '--database', c.database,
      '--es-url', c.elasticsearchUrl, '--es-index', c.indexName(job.index), '--partitions', String(c.partitions),
    ]
  }

  async compute(job: BatchJob): Promise<BatchCounts> {
    if (!existsSync(join(this.config.jobDir, 'batch_views.py'))) throw new Error(`the Spark job is missing: ${join(this.config.jobDir, 'batch_views.py')} (set C18N_SPARK_JOB_DIR)`)
    job.log(`batch ${job.runId}: submitting to Spark at ${this.config.master}`)
    const child = spawn(this.config.submit, this.args(job), { stdio: ['ignore', 'pipe', 'pipe'] })
    // A driver outliving this process would hold the cluster's cores with nobody to read its result.
    const stopDriver = () => child.kill('SIGTERM')
    process.once('exit', stopDriver)
    const outcome: { result: BatchCounts | null, error: string | null } = { result: null, error: null }
    const tail: string[] = []
    const lines = (chunk: Buffer, pending: { text: string }, onLine: (line: string) => void) => {
      pending.text += chunk.toString()
      const parts = pending.text.split('\n')
      pending.text = parts.pop()!
      for (const line of parts) onLine(line)
    }
    const out = { text: '' }
    const err = { text: '' }
    child.stdout.on('data', (chunk: Buffer) => lines(chunk, out, (line) => {
      if (line.startsWith('C18N_LOG ')) job.log(line.slice('C18N_LOG '.length))
      else if (line.startsWith('C18N_RESULT ')) outcome.result = JSON.parse(line.slice('C18N_RESULT '.length)) as BatchCounts
    }))
    child.stderr.on('data', (chunk: Buffer) => lines(chunk, err, (line) => {
      if (line.startsWith('C18N_ERROR ')) outcome.error = line.slice('C18N_ERROR '.length)
      tail.push(line)
      if (tail.length > LAST_LINES) tail.shift()
    }))
    const code = await new Promise<number | null>((done, fail) => {
      child.on('error', cause => fail(new Error(`could not start ${this.config.submit}: ${cause.message} (set SPARK_SUBMIT)`)))
      child.on('close', done)
    }).finally(() => process.off('exit', stopDriver))
    if (code === 0 && outcome.result) return outcome.result
    throw new Error(`the Spark batch job ${job.runId} failed (exit ${code}) on ${this.config.master}: ${outcome.error ?? explain(tail)}`)
  }
}

/** The most telling line of spark-submit's output when the job did not say why itself. */
function explain(tail: string[]) {
  const master = tail.find(line => /Failed to connect to master|All masters are unresponsive|Connection refused/.test(line))
  if (master) return `the Spark master cannot be reached (${master.trim().slice(0, 300)})`
  return tail.filter(line => /ERROR|Exception|Error/.test(line)).slice(-3).join(' | ').slice(0, 1000) || 'no output'
}
