import type { Subscription } from '../core/ports'
import type { Domain } from '../core/domain'
import { type ConsumerJob, type Delivery, runConsumer } from '../core/pipeline/consumer'
import { appliedOf } from '../core/pipeline/applied'
import { cacheEvents } from '../core/pipeline/cacher'
import { flagEvents } from '../core/pipeline/flagger'
import { indexEvents } from '../core/pipeline/indexer'
import { notifyEvents } from '../core/pipeline/notifier'
import { persistBatch } from '../core/pipeline/persister'
import { recordEvents } from '../core/analytics/speed'
import { broadcastEvents } from '../core/pipeline/broadcaster'
import { fanOutHome } from '../core/pipeline/home-fanout'
import { freshDocs } from '../core/pipeline/fresh-docs'
import { Suggester, suggesterJob, suggesterTopics } from '../core/suggestions/suggester'
import { handleMediaEvents } from '../core/media/worker'
import { startMediaSweeper } from '../core/media/sweeper'
import { observedBus } from '../core/observability/observed-bus'
import { AGGREGATES, type Aggregate, namespace, topicOf } from '../shared/schemas/events'

/** The events of a batch from the applied stream that the persister applied (not rejected). */
const appliedIn = (deliveries: Delivery[]) => deliveries.filter(d => d.outcome?.status === 'applied').map(d => d.event)

/**
 * The jobs of the event pipeline, each an independent consumer group. The persister reads the
 * source topics; the views read what it applied, from the applied stream, so none of them waits
 * for it or asks the store whether it has caught up. Chat's live group alone reads its source
 * topic: a message reaches the room without waiting for the persister.
 */
export function pipelineJobs(domain: Domain, log: (line: string) => void = () => {}): ConsumerJob[] {
  const { ports } = domain
  const ALL_TOPICS = AGGREGATES.map(topicOf)
  const applied = (aggregates: Aggregate[]) => aggregates.map(a => appliedOf(topicOf(a)))
  const group = (job: string) => `${namespace()}.${job}`
  // Authors' names on live entries, from the people this process keeps (see startConsumers).
  const people = async (ids: string[]) => new Map([...await domain.users.byIds(ids)].map(([id, user]) => [id, { id, handle: user.handle, displayName: user.displayName, avatarUrl: user.avatarUrl }]))
  return [
    { group: group('persister'), topics: ALL_TOPICS, handleBatch: deliveries => persistBatch(ports, deliveries) },
    { group: group('cacher'), topics: applied(['users', 'posts', 'reactions', 'shares', 'messages']), handleBatch: deliveries => cacheEvents(ports, appliedIn(deliveries)) },
    { group: group('indexer'), topics: applied(['users', 'communities', 'posts', 'messages']), handleBatch: deliveries => indexEvents(ports, appliedIn(deliveries), freshDocs(deliveries)) },
    { group: group('notifier'), topics: applied(['posts', 'reactions', 'shares', 'connections']), handleBatch: deliveries => notifyEvents(ports, appliedIn(deliveries), freshDocs(deliveries)) },
    { group: group('flagger'), topics: applied(['posts', 'reactions']), handleBatch: deliveries => flagEvents(ports, appliedIn(deliveries), freshDocs(deliveries)) },
    // The analytics speed layer reads every topic with activity.
    { group: group('analytics'), topics: applied(['users', 'communities', 'memberships', 'posts', 'reactions', 'shares', 'messages']), handleBatch: deliveries => recordEvents(ports, appliedIn(deliveries)) },
    { group: group('live'), topics: [topicOf('messages')], handleBatch: async (deliveries) => { await broadcastEvents(ports, deliveries.map(d => d.event), people) } },
    { group: group('live-posts'), topics: applied(['posts', 'reactions', 'shares', 'media']), handleBatch: async (deliveries) => { await broadcastEvents(ports, appliedIn(deliveries), people) } },
    // Renditions and removals of uploaded files; small batches, as each image is decoded in memory.
    { group: group('media'), topics: applied(['media', 'posts', 'messages']), maxBatch: 20, handleBatch: deliveries => handleMediaEvents(ports, appliedIn(deliveries), domain.media.settings, log) },
    { group: group('home-live'), topics: applied(['posts', 'connections', 'memberships']), handleBatch: deliveries => fanOutHome(ports, appliedIn(deliveries), freshDocs(deliveries)) },
    suggesterJob(new Suggester(ports, log), group('suggester'), suggesterTopics()),
  ]
}

export async function startConsumers(domain: Domain, log: (line: string) => void = () => {}) {
  // This process hears the applied stream too, which keeps its caches of people and communities.
  await domain.publisher.waiters.start()
  const jobs = pipelineJobs(domain, log)
  const subscriptions: Subscription[] = []
  // Each batch's size, time and lag go to the metrics; the pipeline itself is unchanged.
  const bus = observedBus(domain.ports.bus)
  for (const job of jobs) {
    subscriptions.push(await runConsumer(bus, job))
    log(`consumer ${job.group} on ${job.topics.join(', ')}`)
  }
  // Unconfirmed uploads are swept where the media consumer runs, which removes their bytes.
  const stopSweeper = await startMediaSweeper(domain.ports.jobs, domain.ports, log)
  return {
    names: jobs.map(job => job.group),
    stop: async () => {
      await stopSweeper()
      await Promise.all(subscriptions.map(s => s.stop()))
    },
  }
}
