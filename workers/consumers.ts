import type { Subscription } from '../core/ports'
import type { Domain } from '../core/domain'
import { type ConsumerJob, runConsumer } from '../core/pipeline/consumer'
import { cacheEvent } from '../core/pipeline/cacher'
import { flagEvent } from '../core/pipeline/flagger'
import { indexEvent } from '../core/pipeline/indexer'
import { notifyEvent } from '../core/pipeline/notifier'
import { persist } from '../core/pipeline/persister'
import { recordEvent } from '../core/analytics/speed'
import { broadcastEvent } from '../core/pipeline/broadcaster'
import { Suggester, suggesterJob, suggesterTopics } from '../core/suggestions/suggester'
import { AGGREGATES, namespace, topicOf } from '../shared/schemas/events'

/** The jobs of the event pipeline, each an independent consumer group. */
export function pipelineJobs(domain: Domain, log: (line: string) => void = () => {}): ConsumerJob[] {
  const { ports } = domain
  const ALL_TOPICS = AGGREGATES.map(topicOf)
  const group = (job: string) => `${namespace()}.${job}`
  // The analytics speed layer reads every topic with activity; chat's `messages` once it exists.
  const analyticsTopics = AGGREGATES.filter(a => ['users', 'communities', 'memberships', 'posts', 'reactions', 'shares', 'messages'].includes(a)).map(topicOf)
  return [
    { group: group('persister'), topics: ALL_TOPICS, handle: (event, message) => persist(ports.store, message.topic, event) },
    { group: group('cacher'), topics: [topicOf('users'), topicOf('posts'), topicOf('reactions'), topicOf('shares'), topicOf('messages')], handle: event => cacheEvent(ports, event) },
    { group: group('indexer'), topics: [topicOf('users'), topicOf('communities'), topicOf('posts'), topicOf('messages')], handle: event => indexEvent(ports, event) },
    { group: group('notifier'), topics: [topicOf('posts'), topicOf('reactions'), topicOf('shares')], handle: event => notifyEvent(ports, event) },
    { group: group('flagger'), topics: [topicOf('posts'), topicOf('reactions')], handle: event => flagEvent(ports, event) },
    { group: group('analytics'), topics: analyticsTopics, handle: event => recordEvent(ports, event) },
    // Chat has a live group of its own: a message never waits behind a post change that waits
    // for the persister.
    { group: group('live'), topics: [topicOf('messages')], handle: async (event) => { await broadcastEvent(ports, event) } },
    { group: group('live-posts'), topics: [topicOf('posts'), topicOf('reactions'), topicOf('shares')], handle: async (event) => { await broadcastEvent(ports, event) } },
    suggesterJob(new Suggester(ports, log), group('suggester'), suggesterTopics()),
  ]
}

export async function startConsumers(domain: Domain, log: (line: string) => void = () => {}) {
  const jobs = pipelineJobs(domain, log)
  const subscriptions: Subscription[] = []
  for (const job of jobs) {
    subscriptions.push(await runConsumer(domain.ports.bus, job))
    log(`consumer ${job.group} on ${job.topics.join(', ')}`)
  }
  return {
    names: jobs.map(job => job.group),
    stop: async () => { await Promise.all(subscriptions.map(s => s.stop())) },
  }
}
