import { Redis } from 'ioredis'
import type { Cache, CacheCommand, PubSubListener } from '../../core/ports/cache'

/** Redis through ioredis; pub/sub on a second connection, as Redis requires. */
export class RedisCache implements Cache {
  readonly kind = 'redis'
  private readonly redis: Redis
  private subscriber: Redis | null = null
  private readonly listeners = new Map<string, Set<PubSubListener>>()

  constructor(readonly url: string) {
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true })
  }

  async connect() {
    await this.redis.connect()
    await this.redis.ping()
  }

  get(key: string) { return this.redis.get(key) }

  async set(key: string, value: string, ttlSeconds?: number) {
    if (ttlSeconds) await this.redis.set(key, value, 'EX', ttlSeconds)
    else await this.redis.set(key, value)
  }

  async del(...keys: string[]) { return keys.length ? this.redis.del(...keys) : 0 }
  async expire(key: string, ttlSeconds: number) { return (await this.redis.expire(key, ttlSeconds)) === 1 }
  ttl(key: string) { return this.redis.ttl(key) }
  incrBy(key: string, by: number) { return this.redis.incrby(key, by) }
  async hSet(key: string, fields: Record<string, string>) { await this.redis.hset(key, fields) }
  hGetAll(key: string) { return this.redis.hgetall(key) }
  hIncrBy(key: string, field: string, by: number) { return this.redis.hincrby(key, field, by) }

  async lPushTrim(key: string, value: string, maxLength: number) {
    await this.redis.multi().lpush(key, value).ltrim(key, 0, maxLength - 1).exec()
  }

  lRange(key: string, start: number, stop: number) { return this.redis.lrange(key, start, stop) }
  async zIncrBy(key: string, member: string, by: number) { return Number(await this.redis.zincrby(key, by, member)) }
  async zAdd(key: string, score: number, member: string) { await this.redis.zadd(key, score, member) }
  async zRem(key: string, member: string) { await this.redis.zrem(key, member) }

  async zRevRangeWithScores(key: string, start: number, stop: number) {
    const flat = await this.redis.zrevrange(key, start, stop, 'WITHSCORES')
    const result: Array<{ member: string, score: number }> = []
    for (let i = 0; i < flat.length; i += 2) result.push({ member: flat[i]!, score: Number(flat[i + 1]) })
    return result
  }

  async zRevRangeByScore(key: string, max: number, count: number) {
    const flat = await this.redis.zrevrangebyscore(key, max === Number.POSITIVE_INFINITY ? '+inf' : max, '-inf', 'WITHSCORES', 'LIMIT', 0, count)
    const result: Array<{ member: string, score: number }> = []
    for (let i = 0; i < flat.length; i += 2) result.push({ member: flat[i]!, score: Number(flat[i + 1]) })
    return result
  }

  zRemRangeByRank(key: string, start: number, stop: number) { return this.redis.zremrangebyrank(key, start, stop) }
  zCard(key: string) { return this.redis.zcard(key) }

  /** SCAN, not KEYS: it never blocks the server on a large keyspace. */
  async keys(pattern: string) {
    const found: string[] = []
    let cursor = '0'
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500)
      cursor = next
      found.push(...batch)
    } while (cursor !== '0')
    return [...new Set(found)]
  }

  async publish(channel: string, message: string) { await this.redis.publish(channel, message) }

  async batch(commands: CacheCommand[]) {
    if (!commands.length) return []
    const pipeline = this.redis.pipeline()
    for (const command of commands) {
      switch (command[0]) {
        case 'get': pipeline.get(command[1]); break
        case 'set':
          if (command[3]) pipeline.set(command[1], command[2], 'EX', command[3])
          else pipeline.set(command[1], command[2])
          break
        case 'del': pipeline.del(command[1]); break
        case 'expire': pipeline.expire(command[1], command[2]); break
        case 'incrBy': pipeline.incrby(command[1], command[2]); break
        case 'hIncrBy': pipeline.hincrby(command[1], command[2], command[3]); break
        case 'zIncrBy': pipeline.zincrby(command[1], command[3], command[2]); break
        case 'zAdd': pipeline.zadd(command[1], command[2], command[3]); break
        case 'zRem': pipeline.zrem(command[1], command[2]); break
        case 'zRemRangeByRank': pipeline.zremrangebyrank(command[1], command[2], command[3]); break
        case 'publish': pipeline.publish(command[1], command[2]); break
      }
    }
    const results = (await pipeline.exec()) ?? []
    return results.map(([error, value], i) => {
      if (error) throw new Error(`cache batch: ${commands[i]![0]} failed: ${error.message}`)
      if (commands[i]![0] === 'get') return (value as string | null) ?? null
      const counter = ['incrBy', 'hIncrBy', 'zIncrBy'].includes(commands[i]![0])
      return counter ? Number(value) : null
    })
  }

  async subscribe(channel: string, listener: PubSubListener) {
    if (!this.subscriber) {
      this.subscriber = this.redis.duplicate()
      this.subscriber.on('message', (ch: string, message: string) => {
        for (const l of this.listeners.get(ch) ?? []) l(ch, message)
      })
    }
    if (!this.listeners.has(channel)) {
      this.listeners.set(channel, new Set())
      await this.subscriber.subscribe(channel)
    }
    this.listeners.get(channel)!.add(listener)
    return async () => {
      const set = this.listeners.get(channel)
      set?.delete(listener)
      if (set && !set.size) {
        this.listeners.delete(channel)
        await this.subscriber?.unsubscribe(channel)
      }
    }
  }

  async ping() {
    try {
      return (await this.redis.ping()) === 'PONG'
    }
    catch {
      return false
    }
  }

  async close() {
    this.subscriber?.disconnect()
    await this.redis.quit().catch(() => this.redis.disconnect())
  }
}
