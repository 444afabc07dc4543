import { Kafka, logLevel } from 'kafkajs'

process.removeAllListeners('warning')
const kafka = new Kafka({ brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING })
const admin = kafka.admin(); await admin.connect()
const topics = (await admin.listTopics()).filter(t => /^c18n\.[a-z]+$/.test(t))
for (const g of ['c18n.persister', 'c18n.cacher', 'c18n.indexer', 'c18n.notifier']) {
  const d = (await admin.describeGroups([g])).groups[0]
  const offs = await admin.fetchOffsets({ groupId: g, topics })
  const parts = []
  for (const t of offs) { const hw = await admin.fetchTopicOffsets(t.topic); for (const p of t.partitions) { const h = Number(hw.find(x => x.partition === p.partition).high); if (h) parts.push(`${t.topic.slice(5)}/${p.partition}:${p.offset}/${h}`) } }
  console.log(g, d.state, d.members.length, parts.join(' '))
}
await admin.disconnect()
