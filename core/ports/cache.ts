/**
 * The cache port: the Redis data types the speed layer needs. Values are
 * strings; callers serialise. TTLs are in seconds.
 */
export type PubSubListener = (channel: string, message: string) => void

/** A command sent in a batch: several in one round trip (a Redis pipeline). */
export type CacheCommand
  = | ['get', string]
    | ['set', string, string, number?]
    | ['del', string]
    | ['expire', string, number]
    | ['incrBy', string, number]
    | ['hIncrBy', string, string, number]
    | ['zIncrBy', string, string, number]
    | ['zAdd', string, number, string]
    | ['zRem', string, string]
    | ['zRemRangeByRank', string, number, number]
    | ['publish', string, string]

export interface Cache {
  readonly kind: string
  get(key: string): Promise<string | null>
  set(key: string, value: string, ttlSeconds?: number): Promise<void>
  del(...keys: string[]): Promise<number>
  expire(key: string, ttlSeconds: number): Promise<boolean>
  /** Remaining time to live: -1 without expiry, -2 when the key is absent. */
  ttl(key: string): Promise<number>
  incrBy(key: string, by: number): Promise<number>
  hSet(key: string, fields: Record<string, string>): Promise<void>
  hGetAll(key: string): Promise<Record<string, string>>
  hIncrBy(key: string, field: string, by: number): Promise<number>
  /** Pushes to the head and keeps at most maxLength items. */
  lPushTrim(key: string, value: string, maxLength: number): Promise<void>
  lRange(key: string, start: number, stop: number): Promise<string[]>
  zIncrBy(key: string, member: string, by: number): Promise<number>
  zAdd(key: string, score: number, member: string): Promise<void>
  zRem(key: string, member: string): Promise<void>
  /** Highest scores first, with scores. */
  zRevRangeWithScores(key: string, start: number, stop: number): Promise<Array<{ member: string, score: number }>>
  /** Members scored at most `max`, highest first, at most `count` of them. */
  zRevRangeByScore(key: string, max: number, count: number): Promise<Array<{ member: string, score: number }>>
  /** Removes members by rank, lowest score first (rank 0); negative ranks count from the top. */
  zRemRangeByRank(key: string, start: number, stop: number): Promise<number>
  zCard(key: string): Promise<number>
  /** Keys matching a glob pattern with `*` only. */
  keys(pattern: string): Promise<string[]>
  publish(channel: string, message: string): Promise<void>
  /**
   * Runs these commands in order in one round trip and returns each one's result (a number for
   * counters, the value or null for a get, null otherwise). Not a transaction: another client's
   * commands may interleave.
   */
  batch(commands: CacheCommand[]): Promise<Array<number | string | null>>
  subscribe(channel: string, listener: PubSubListener): Promise<() => Promise<void>>
  ping(): Promise<boolean>
  close(): Promise<void>
}
