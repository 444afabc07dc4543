import type { Cache, CacheCommand } from '../ports'
import { scoreOf } from './feed-cache'

/** How many of a person's newest home-feed post ids their list keeps. */
export const HOME_LENGTH = 500

const listKey = (userId: string) => `homefeed:${userId}`
const readyKey = (userId: string) => `homefeed:${userId}:ready`
const generationKey = (userId: string) => `homefeed:${userId}:gen`
const wideKey = (authorId: string) => `homefeed:wide:${authorId}`
const tokenKey = (userId: string, eventId: string) => `homefeed:${userId}:voided:${eventId}`
const TOKEN_TTL_SECONDS = 24 * 60 * 60

/** Followers beyond which an author's posts are not fanned out to them: their readers merge them in. */
export const wideThreshold = () => Number(process.env.C18N_HOME_WIDE_FOLLOWERS ?? 5000)

/**
 * A person's home feed fanned out on write: the ids of the newest posts meant for them, in a
 * sorted set scored by time, kept by the home-live consumer. The list is complete from its newest
 * id down to its oldest once seeded ("ready"); a new follow or membership can bring older posts
 * in, so it bumps the list's generation, and a list seeded under an older generation is not used
 * (the next read seeds it again). What a reader may see is still decided at read time.
 */
export class HomeList {
  constructor(private readonly cache: Cache) {}

  /** The ids from `before` (exclusive) down, newest first, or null when the list cannot be trusted. */
  /**
   * The ids from `before` (exclusive) down, newest first, and whether they reach the feed's end
   * (seeded from a read that found everything, and never trimmed since); null when the list
   * cannot be trusted.
   */
  async ids(userId: string, before: string | null): Promise<{ ids: string[], end: boolean } | null> {
    const [ready, generation] = await this.cache.batch([['get', readyKey(userId)], ['get', generationKey(userId)]])
    const [seededUnder, reach] = String(ready ?? '').split(':')
    if (ready === null || seededUnder !== String(generation ?? '0')) return null
    const [entries, size] = await Promise.all([
      this.cache.zRevRangeByScore(listKey(userId), before ? scoreOf(before) : Number.POSITIVE_INFINITY, HOME_LENGTH),
      this.cache.zCard(listKey(userId)),
    ])
    const ids = entries.map(e => e.member).filter(id => !before || id < before).sort().reverse()
    return { ids, end: reach === 'end' && size < HOME_LENGTH }
  }

  /** The generation a seed starts under: read before the store is, so a change meanwhile voids it. */
  async beginSeed(userId: string): Promise<string> {
    const [generation] = await this.cache.batch([['get', generationKey(userId)], ['del', listKey(userId)]])
    return String(generation ?? '0')
  }

  /** The newest posts read from the store become the list, ready under the generation it began with. */
  async seed(userId: string, generation: string, postIds: string[], reachesEnd: boolean) {
    await this.cache.batch([
      ...postIds.slice(0, HOME_LENGTH).map(id => ['zAdd', listKey(userId), scoreOf(id), id] as CacheCommand),
      ['zRemRangeByRank', listKey(userId), 0, -(HOME_LENGTH + 1)],
      ['set', readyKey(userId), `${generation}${reachesEnd ? ':end' : ''}`],
    ])
  }

  /**
   * Voids the lists of people whose feed may now hold older posts (a follow, a membership), once
   * per event: the command writes it through and the consumer again, and the second is a no-op
   * (a list seeded in between stays good).
   */
  async invalidate(changes: Array<{ userId: string, eventId: string }>) {
    if (!changes.length) return
    const marks = await this.cache.batch(changes.flatMap(c => [['incrBy', tokenKey(c.userId, c.eventId), 1], ['expire', tokenKey(c.userId, c.eventId), TOKEN_TTL_SECONDS]] as CacheCommand[]))
    const fresh = changes.filter((_, i) => marks[i * 2] === 1)
    if (fresh.length) await this.cache.batch(fresh.map(c => ['incrBy', generationKey(c.userId), 1] as CacheCommand))
  }

  /** Marks an author as read on demand by their followers (too many to fan out to). */
  async markWide(authorId: string) {
    await this.cache.set(wideKey(authorId), '1')
  }

  /** Of these authors, the ones whose posts their followers read on demand. */
  async wide(authorIds: string[]): Promise<string[]> {
    if (!authorIds.length) return []
    const marks = await this.cache.batch(authorIds.map(id => ['get', wideKey(id)] as CacheCommand))
    return authorIds.filter((_, i) => marks[i] !== null)
  }

  /** The write side: one post into many lists, pipelined, each list trimmed to its length. */
  async fanOut(postId: string, userIds: Iterable<string>) {
    const commands: CacheCommand[] = []
    for (const id of userIds) commands.push(['zAdd', listKey(id), scoreOf(postId), postId], ['zRemRangeByRank', listKey(id), 0, -(HOME_LENGTH + 1)])
    if (commands.length) await this.cache.batch(commands)
  }
}
