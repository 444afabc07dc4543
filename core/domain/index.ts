import type { Ports } from '../ports'
import type { Actor } from './actor'
import { AGGREGATES, dlqOf, topicOf } from '../../shared/schemas/events'
import { CommunityService } from './communities'
import { GroupService } from './groups'
import { type UserDoc, UserService } from './users'
import { UserCache } from './user-cache'
import { CommunityAccessCache } from './community-access-cache'
import { FeedCache } from './feed-cache'
import { NotificationService } from './notifications'
import { PostService } from './posts'
import { SearchService } from './search'
import { ModerationService } from './moderation'
import { SuggestionService } from './suggestions'
import { EventPublisher } from '../pipeline/publisher'
import { appliedOf } from '../pipeline/applied'
import { AuditService } from './audit'
import { AnalyticsService } from '../analytics/service'
import { ChatService } from './chat'
import { SessionService } from './sessions'
import { MediaService } from '../media/service'
import { type MediaSettings, mediaSettingsFromEnv } from '../media/settings'
import { ConnectionService } from './connections'
import { HomeFeedService } from './home-feed'

/** Partitions per topic: room for as many consumers of one group, ordering kept per key. */
const TOPIC_PARTITIONS = 6

export type { Actor } from './actor'
export { DomainError } from './errors'

export interface DomainOptions {
  /** The clock time limits (mutes, bans) are judged by: tests pass a fake one to move time on. */
  now?: () => number
  /** Upload limits and URL lifetimes (from the environment otherwise). */
  media?: MediaSettings
}

const isActor = (value: unknown): value is Actor => !!value && typeof value === 'object' && typeof (value as Actor).id === 'string' && ((value as Actor).role === 'user' || (value as Actor).role === 'admin')

/**
 * Read-your-writes for every caller (HTTP routes, websocket frames, jobs): a service call made
 * for a person (an actor first) waits while a write of theirs accepted at Kafka's ack is still
 * being applied (see EventPublisher.accept). With nothing in flight the call goes straight through.
 */
function causalFor(publisher: EventPublisher) {
  return <T extends object>(service: T): T => new Proxy(service, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        const [actor] = args
        if (isActor(actor) && publisher.hasInFlight(actor.id)) return publisher.settled(actor.id).then(() => value.apply(target, args))
        return value.apply(target, args)
      }
    },
  })
}

/** The domain services wired to one set of ports. */
export function createDomain(ports: Ports, options: DomainOptions = {}) {
  const now = options.now ?? Date.now
  const publisher = new EventPublisher(ports)
  // People read lately stay in this process until a users event on the applied stream changes them.
  const userCache = new UserCache<UserDoc>(() => publisher.waiters.listening)
  const usersApplied = appliedOf(topicOf('users'))
  publisher.waiters.onApplied((topic, key) => topic === usersApplied && userCache.forget(key))
  const users = new UserService(ports, publisher, userCache)
  const groups = new GroupService(ports, users, publisher)
  // What access checks read about communities stays here too, until an event about that community.
  const communityAccess = new CommunityAccessCache(() => publisher.waiters.listening)
  const communityTopics = new Set([appliedOf(topicOf('communities')), appliedOf(topicOf('memberships'))])
  publisher.waiters.onApplied((topic, key) => communityTopics.has(topic) && communityAccess.forget(key))
  const communities = new CommunityService(ports, users, publisher, now, communityAccess)
  // A file attached to a post is read with the post's own checks.
  const media: MediaService = new MediaService(ports, publisher, options.media ?? mediaSettingsFromEnv(), (actor, postId): Promise<unknown> => posts.get(actor, postId), now, (actor, messageId): Promise<unknown> => chat.readable(actor, messageId))
  const posts = new PostService(ports, users, communities, groups, publisher, new FeedCache(ports.cache), now, media)
  const search = new SearchService(ports, users, communities, posts)
  const notifications = new NotificationService(ports, users)
  const moderation = new ModerationService(ports, users, communities, posts, publisher, now)
  const analytics = new AnalyticsService(ports, communities, users)
  const chat: ChatService = new ChatService(ports, users, communities, publisher, Date.now, media)
  const suggestions = new SuggestionService(ports, users, communities, publisher)
  const audit = new AuditService(ports, users, communities)
  const sessions = new SessionService(ports)
  const connections = new ConnectionService(ports, users, publisher, now)
  const home = new HomeFeedService(ports, posts)
  const causal = causalFor(publisher)
  return {
    ports,
    publisher,
    users: causal(users),
    groups: causal(groups),
    communities: causal(communities),
    posts: causal(posts),
    search: causal(search),
    notifications: causal(notifications),
    moderation: causal(moderation),
    analytics: causal(analytics),
    chat: causal(chat),
    suggestions: causal(suggestions),
    audit: causal(audit),
    sessions: causal(sessions),
    media: causal(media),
    connections: causal(connections),
    home: causal(home),
    async setup() {
      // Each source topic has its applied stream beside it, as many partitions, and dead letters for both.
      await ports.bus.ensureTopics(AGGREGATES.flatMap(a => [
        { name: topicOf(a), partitions: TOPIC_PARTITIONS }, { name: dlqOf(topicOf(a)), partitions: 1 },
        { name: appliedOf(topicOf(a)), partitions: TOPIC_PARTITIONS }, { name: dlqOf(appliedOf(topicOf(a))), partitions: 1 },
      ]))
      await ports.store.collection('events').createIndex({ time: 1 })
      await Promise.all([users.setup(), groups.setup(), communities.setup(), posts.setup(), search.setup(), notifications.setup(), chat.setup(), suggestions.setup(), moderation.setup(), analytics.setup(), audit.setup(), media.setup(), connections.setup(), home.setup()])
    },
  }
}
export type Domain = ReturnType<typeof createDomain>
