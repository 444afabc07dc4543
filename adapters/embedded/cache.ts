import { EventEmitter } from 'node:events'
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Cache, CacheCommand, PubSubListener } from '../../core/ports/cache'

type Value = string | Map<string, string> | string[] | Map<string, number>
interface Entry { type: 'string' | 'hash' | 'list' | 'zset', value: Value, expiresAt: number | null }

const SNAPSHOT_DELAY_MS = 1000

function globToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
}

/** Redis's data types in memory, snapshotted to a file a second after each change. */
export class EmbeddedCache implements Cache {
  readonly kind = 'embedded-memory'
  private readonly entries = new Map<string, Entry>()
  private readonly channels = new EventEmitter().setMaxListeners(0)
  private snapshotTimer: NodeJS.Timeout | null = null

  constructor(private readonly file: string) {
    if (existsSync(file)) this.restore(JSON.parse(readFileSync(file, 'utf8')) as Array<[string, Entry['type'], unknown, number | null]>)
  }

  private restore(rows: Array<[string, Entry['type'], unknown, number | null]>) {
    for (const [key, type, raw, expiresAt] of rows) {
      const value = type === 'hash' || type === 'zset' ? new Map(raw as Array<[string, never]>) : raw as Value
      this.entries.set(key, { type, value, expiresAt })
    }
  }

  private scheduleSnapshot() {
    if (this.snapshotTimer) return
    this.snapshotTimer = setTimeout(() => this.snapshot(), SNAPSHOT_DELAY_MS)
    this.snapshotTimer.unref()
  }

  private snapshot() {
    this.snapshotTimer = null
    const rows = [...this.entries].filter(([key]) => this.live(key)).map(([key, e]) =>
      [key, e.type, e.value instanceof Map ? [...e.value] : e.value, e.expiresAt])
    mkdirSync(dirname(this.file), { recursive: true })
    writeFileSync(`${this.file}.tmp`, JSON.stringify(rows))
    renameSync(`${this.file}.tmp`, this.file)
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key)
    if (entry?.expiresAt && entry.expiresAt <= Date.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry
  }

  private typed<V extends Value>(key: string, type: Entry['type'], create: () => V): V {
    let entry = this.live(key)
    if (!entry) {
      entry = { type, value: create(), expiresAt: null }
      this.entries.set(key, entry)
    }
    if (entry.type !== type) throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value')
    this.scheduleSnapshot()
    return entry.value as V
  }

  private read<V extends Value>(key: string, type: Entry['type']): V | undefined {
    const entry = this.live(key)
    if (entry && entry.type !== type) throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value')
    return entry?.value as V | undefined
  }

  async get(key: string) {
    return this.read<string>(key, 'string') ?? null
  }

  async set(key: string, value: string, ttlSeconds?: number) {
    this.entries.set(key, { type: 'string', value, expiresAt: ttlSeconds ? Date.now() + ttlSeconds * 1000 : null })
    this.scheduleSnapshot()
  }

  async del(...keys: string[]) {
    let removed = 0
    for (const key of keys) if (this.live(key) && this.entries.delete(key)) removed++
    this.scheduleSnapshot()
    return removed
  }

  async expire(key: string, ttlSeconds: number) {
    const entry = this.live(key)
    if (!entry) return false
    entry.expiresAt = Date.now() + ttlSeconds * 1000
    this.scheduleSnapshot()
    return true
  }

  async ttl(key: string) {
    const entry = this.live(key)
    if (!entry) return -2
    return entry.expiresAt ? Math.ceil((entry.expiresAt - Date.now()) / 1000) : -1
  }

  async incrBy(key: string, by: number) {
    const current = Number(this.read<string>(key, 'string') ?? 0)
    if (!Number.isInteger(current)) throw new Error('ERR value is not an integer or out of range')
    const entry = this.live(key)
    const next = current + by
    this.entries.set(key, { type: 'string', value: String(next), expiresAt: entry?.expiresAt ?? null })
    this.scheduleSnapshot()
    return next
  }

  async hSet(key: string, fields: Record<string, string>) {
    const hash = this.typed<Map<string, string>>(key, 'hash', () => new Map())
    for (const [field, value] of Object.entries(fields)) hash.set(field, value)
  }

  async hGetAll(key: string) {
    return Object.fromEntries(this.read<Map<string, string>>(key, 'hash') ?? [])
  }

  async hIncrBy(key: string, field: string, by: number) {
    const hash = this.typed<Map<string, string>>(key, 'hash', () => new Map())
    const next = Number(hash.get(field) ?? 0) + by
    hash.set(field, String(next))
    return next
  }

  async lPushTrim(key: string, value: string, maxLength: number) {
    const list = this.typed<string[]>(key, 'list', () => [])
    list.unshift(value)
    list.splice(maxLength)
  }

  async lRange(key: string, start: number, stop: number) {
    const list = this.read<string[]>(key, 'list') ?? []
    return list.slice(start, stop === -1 ? undefined : stop + 1)
  }

  async zIncrBy(key: string, member: string, by: number) {
    const zset = this.typed<Map<string, number>>(key, 'zset', () => new Map())
    const next = (zset.get(member) ?? 0) + by
    zset.set(member, next)
    return next
  }

  async zAdd(key: string, score: number, member: string) {
    this.typed<Map<string, number>>(key, 'zset', () => new Map()).set(member, score)
  }

  async zRem(key: string, member: string) {
    this.read<Map<string, number>>(key, 'zset')?.delete(member)
    this.scheduleSnapshot()
  }

  async zRevRangeWithScores(key: string, start: number, stop: number) {
    const zset = this.read<Map<string, number>>(key, 'zset') ?? new Map<string, number>()
    // Redis orders equal scores by member, descending in a reverse range.
    const sorted = [...zset].sort(([ma, a], [mb, b]) => b - a || (mb < ma ? -1 : mb > ma ? 1 : 0))
    return sorted.slice(start, stop === -1 ? undefined : stop + 1).map(([member, score]) => ({ member, score }))
  }

  async zRevRangeByScore(key: string, max: number, count: number) {
    const zset = this.read<Map<string, number>>(key, 'zset') ?? new Map<string, number>()
    return [...zset].filter(([, score]) => score <= max)
      .sort(([ma, a], [mb, b]) => b - a || (mb < ma ? -1 : mb > ma ? 1 : 0))
      .slice(0, count).map(([member, score]) => ({ member, score }))
  }

  async zRemRangeByRank(key: string, start: number, stop: number) {
    const zset = this.read<Map<string, number>>(key, 'zset')
    if (!zset) return 0
    const ascending = [...zset].sort(([ma, a], [mb, b]) => a - b || (ma < mb ? -1 : ma > mb ? 1 : 0))
    const from = start < 0 ? ascending.length + start : start
    const to = stop < 0 ? ascending.length + stop : stop
    const doomed = ascending.slice(Math.max(0, from), to + 1)
    for (const [member] of doomed) zset.delete(member)
    this.scheduleSnapshot()
    return doomed.length
  }

  async zCard(key: string) {
    return this.read<Map<string, number>>(key, 'zset')?.size ?? 0
  }

  async keys(pattern: string) {
    const regexp = globToRegExp(pattern)
    return [...this.entries.keys()].filter(key => regexp.test(key) && this.live(key))
  }

  async batch(commands: CacheCommand[]) {
    const results: Array<number | string | null> = []
    for (const command of commands) results.push(await this.run(command))
    return results
  }

  private async run(c: CacheCommand): Promise<number | string | null> {
    switch (c[0]) {
      case 'get': return this.get(c[1])
      case 'incrBy': return this.incrBy(c[1], c[2])
      case 'hIncrBy': return this.hIncrBy(c[1], c[2], c[3])
      case 'zIncrBy': return this.zIncrBy(c[1], c[2], c[3])
      case 'set': await this.set(c[1], c[2], c[3]); break
      case 'del': await this.del(c[1]); break
      case 'expire': await this.expire(c[1], c[2]); break
      case 'zAdd': await this.zAdd(c[1], c[2], c[3]); break
      case 'zRem': await this.zRem(c[1], c[2]); break
      case 'zRemRangeByRank': await this.zRemRangeByRank(c[1], c[2], c[3]); break
      case 'publish': await this.publish(c[1], c[2]); break
    }
    return null
  }

  async publish(channel: string, message: string) {
    this.channels.emit(channel, channel, message)
  }

  async subscribe(channel: string, listener: PubSubListener) {
    this.channels.on(channel, listener)
    return async () => { this.channels.off(channel, listener) }
  }

  async ping() {
    return true
  }

  async close() {
    if (this.snapshotTimer) clearTimeout(this.snapshotTimer)
    this.snapshot()
  }
}
