import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Cache } from '../../../core/ports'
import { eventually, unique } from './wait'

/** What every cache must do: Redis's strings, hashes, lists, sorted sets, expiry and pub/sub. */
export function cacheContract(label: string, open: () => Promise<Cache>) {
  describe(`cache contract: ${label}`, () => {
    let cache: Cache
    let prefix: string
    beforeAll(async () => {
      cache = await open()
      prefix = unique('contract')
    })
    afterAll(async () => { await cache?.close() })
    const k = (name: string) => `${prefix}:${name}`

    it('stores strings, counts, and forgets expired keys', async () => {
      expect(await cache.get(k('none'))).toBeNull()
      await cache.set(k('s'), 'hello')
      expect(await cache.get(k('s'))).toBe('hello')
      expect(await cache.ttl(k('s'))).toBe(-1)
      expect(await cache.incrBy(k('n'), 2)).toBe(2)
      expect(await cache.incrBy(k('n'), 3)).toBe(5)
      await cache.set(k('short'), 'v', 1)
      expect(await cache.get(k('short'))).toBe('v')
      expect(await cache.ttl(k('short'))).toBeGreaterThan(0)
      // Real Redis keeps its own clock: wait for the expiry, bounded well above its one second.
      await eventually(async () => expect(await cache.get(k('short'))).toBeNull(), 5000, 200)
      expect(await cache.ttl(k('short'))).toBe(-2)
      expect(await cache.expire(k('s'), 100)).toBe(true)
      expect(await cache.expire(k('none'), 100)).toBe(false)
      expect(await cache.del(k('s'), k('n'), k('none'))).toBe(2)
    })

    it('keeps hashes and counts in them', async () => {
      await cache.hSet(k('h'), { a: '1', b: 'two' })
      expect(await cache.hIncrBy(k('h'), 'a', 4)).toBe(5)
      expect(await cache.hGetAll(k('h'))).toEqual({ a: '5', b: 'two' })
      expect(await cache.hGetAll(k('nohash'))).toEqual({})
    })

    it('keeps capped lists, newest first', async () => {
      for (const v of ['1', '2', '3', '4']) await cache.lPushTrim(k('l'), v, 3)
      expect(await cache.lRange(k('l'), 0, -1)).toEqual(['4', '3', '2'])
      expect(await cache.lRange(k('l'), 0, 0)).toEqual(['4'])
    })

    it('ranks sorted sets, highest first', async () => {
      await cache.zAdd(k('z'), 1, 'a')
      await cache.zAdd(k('z'), 5, 'b')
      expect(await cache.zIncrBy(k('z'), 'a', 10)).toBe(11)
      await cache.zAdd(k('z'), 3, 'c')
      await cache.zRem(k('z'), 'c')
      expect(await cache.zRevRangeWithScores(k('z'), 0, -1)).toEqual([{ member: 'a', score: 11 }, { member: 'b', score: 5 }])
      expect(await cache.zRevRangeWithScores(k('z'), 0, 0)).toEqual([{ member: 'a', score: 11 }])
    })

    it('pages sorted sets by score and trims the lowest ranks', async () => {
      for (const [member, score] of [['a', 1], ['b', 2], ['c', 3], ['d', 3], ['e', 5]] as const) await cache.zAdd(k('feed'), score, member)
      expect(await cache.zRevRangeByScore(k('feed'), 3, 2)).toEqual([{ member: 'd', score: 3 }, { member: 'c', score: 3 }])
      expect((await cache.zRevRangeByScore(k('feed'), Number.POSITIVE_INFINITY, 10)).map(e => e.member)).toEqual(['e', 'd', 'c', 'b', 'a'])
      expect(await cache.zRemRangeByRank(k('feed'), 0, -4)).toBe(2)
      expect(await cache.zCard(k('feed'))).toBe(3)
      expect((await cache.zRevRangeByScore(k('feed'), 10, 10)).map(e => e.member)).toEqual(['e', 'd', 'c'])
      expect(await cache.zCard(k('nothing'))).toBe(0)
    })

    it('finds keys by pattern', async () => {
      await cache.set(k('pat:1'), 'x')
      await cache.set(k('pat:2'), 'x')
      expect((await cache.keys(`${k('pat')}:*`)).sort()).toEqual([k('pat:1'), k('pat:2')])
    })

    it('publishes to subscribers until they unsubscribe', async () => {
      const got: string[] = []
      const witnessed: string[] = []
      const unsubscribe = await cache.subscribe(k('chan'), (_channel, message) => { got.push(message) })
      const unwitness = await cache.subscribe(k('witness'), (_channel, message) => { witnessed.push(message) })
      await cache.publish(k('chan'), 'one')
      await eventually(() => expect(got).toEqual(['one']))
      await unsubscribe()
      await cache.publish(k('chan'), 'two')
      // Messages reach the subscriber in the order they were published: once the marker on the
      // other channel is in, 'two' would have been delivered too.
      await cache.publish(k('witness'), 'marker')
      await eventually(() => expect(witnessed).toEqual(['marker']))
      expect(got).toEqual(['one'])
      await unwitness()
    })

    it('runs a batch of writes in order in one round trip, answering the counters', async () => {
      const results = await cache.batch([
        ['incrBy', k('bn'), 2], ['incrBy', k('bn'), 3], ['set', k('bs'), 'v', 100], ['hIncrBy', k('bh'), 'f', 4],
        ['zIncrBy', k('bz'), 'm', 1.5], ['zAdd', k('bz'), 7, 'n'], ['expire', k('bh'), 100], ['get', k('bs')], ['del', k('bs')], ['get', k('bs')],
      ])
      expect(results).toEqual([2, 5, null, 4, 1.5, null, null, 'v', null, null])
      expect(await cache.get(k('bs'))).toBeNull()
      expect(await cache.ttl(k('bh'))).toBeGreaterThan(0)
      expect(await cache.zRevRangeWithScores(k('bz'), 0, -1)).toEqual([{ member: 'n', score: 7 }, { member: 'm', score: 1.5 }])
      await cache.batch([['zRemRangeByRank', k('bz'), 0, 0], ['zRem', k('bz'), 'none']])
      expect(await cache.zCard(k('bz'))).toBe(1)
      expect(await cache.batch([])).toEqual([])
    })

    it('answers ping', async () => {
      expect(await cache.ping()).toBe(true)
    })
  })
}
