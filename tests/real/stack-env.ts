/** The real stack's connection settings, or a clear failure saying how to start it: never a silent skip. */
const REQUIRED = ['KAFKA_BROKERS', 'MONGODB_URI', 'REDIS_URL', 'ELASTICSEARCH_URL', 'S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY'] as const

export function realStackEnv() {
  const missing = REQUIRED.filter(name => !process.env[name])
  if (missing.length) {
    throw new Error(`The real-stack tests need ${missing.join(', ')}. Start the local stack with \`npm run stack:up\` and run \`source .data/stack/env\`, or run the whole suite with \`npm test\`, which does both.`)
  }
  return process.env as Record<typeof REQUIRED[number], string> & NodeJS.ProcessEnv
}

/** The same server, another database: tests never touch the app's data. */
export function withDatabase(uri: string, name: string): string {
  const url = new URL(uri)
  url.pathname = `/${name}`
  return url.toString()
}
