// Checks what the compose file must hold: every server, the app and the worker wired by the
// standard variables, health checks on the servers, and volumes for their data.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

const compose = parse(readFileSync(process.argv[2], 'utf8'))
const problems = []
const services = compose.services ?? {}
for (const name of ['kafka', 'mongodb', 'redis', 'elasticsearch', 'minio', 'spark-master', 'spark-worker', 'app', 'worker']) {
  if (!services[name]) problems.push(`service ${name} is missing`)
}
for (const name of ['kafka', 'mongodb', 'redis', 'elasticsearch', 'minio', 'spark-master', 'spark-worker', 'app']) {
  if (services[name] && !services[name].healthcheck) problems.push(`service ${name} has no health check`)
}
for (const name of ['kafka', 'mongodb', 'redis', 'elasticsearch', 'minio']) {
  if (services[name] && !(services[name].volumes ?? []).length) problems.push(`service ${name} keeps no volume`)
}
for (const name of ['app', 'worker']) {
  const env = services[name]?.environment ?? {}
  for (const key of ['KAFKA_BROKERS', 'MONGODB_URI', 'REDIS_URL', 'ELASTICSEARCH_URL', 'S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'S3_BUCKET', 'SPARK_MASTER']) {
    if (!env[key]) problems.push(`${name} does not set ${key}`)
  }
}
if (problems.length) {
  console.error(`docker-compose.yml:\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log(`docker-compose.yml: ${Object.keys(services).length} services, wired and checked`)
