import type { Ports } from '../ports'
import { AGGREGATES, dlqOf, topicOf } from '../../shared/schemas/events'
import { CommunityService } from './communities'
import { GroupService } from './groups'
import { UserService } from './users'
import { EventPublisher } from '../pipeline/publisher'

/** Partitions per topic: room for as many consumers of one group, ordering kept per key. */
const TOPIC_PARTITIONS = 6

export type { Actor } from './actor'
export { DomainError } from './errors'

/** The domain services wired to one set of ports. */
export function createDomain(ports: Ports) {
  const publisher = new EventPublisher(ports)
  const users = new UserService(ports, publisher)
  const groups = new GroupService(ports, users, publisher)
  const communities = new CommunityService(ports, users, publisher)
  return {
    ports,
    publisher,
    users,
    groups,
    communities,
    async setup() {
      await ports.bus.ensureTopics(AGGREGATES.flatMap(a => [{ name: topicOf(a), partitions: TOPIC_PARTITIONS }, { name: dlqOf(topicOf(a)), partitions: 1 }]))
      await ports.store.collection('events').createIndex({ time: 1 })
      await Promise.all([users.setup(), groups.setup(), communities.setup()])
    },
  }
}
export type Domain = ReturnType<typeof createDomain>
