import { describe, expect, it } from 'vitest'
import { RECONNECT_BACKOFF, backoffDelay } from '../../app/utils/backoff'

/** A seeded generator, so the spread below is the same on every run. */
function seeded(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

describe('reconnect backoff', () => {
  it('doubles the window each attempt, up to the cap, and waits at least half of it', () => {
    const lowest = (attempt: number) => backoffDelay(attempt, RECONNECT_BACKOFF, () => 0)
    const highest = (attempt: number) => backoffDelay(attempt, RECONNECT_BACKOFF, () => 1)
    expect([0, 1, 2, 3, 4, 5].map(highest)).toEqual([500, 1000, 2000, 4000, 8000, 15_000])
    expect([0, 1, 2, 3, 4, 5].map(lowest)).toEqual([250, 500, 1000, 2000, 4000, 7500])
    expect(highest(40)).toBe(15_000)
    expect(lowest(40)).toBe(7500)
  })

  it('spreads a thousand clients dropped at the same moment over the window instead of one instant', () => {
    const random = seeded(42)
    const attempt = 3 // a window of 2 to 4 seconds
    const delays = Array.from({ length: 1000 }, () => backoffDelay(attempt, RECONNECT_BACKOFF, random))
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(2000)
    expect(Math.max(...delays)).toBeLessThanOrEqual(4000)
    // Twenty 100 ms slots: an even spread puts 50 in each; none gets more than twice that.
    const slots = new Array<number>(20).fill(0)
    for (const delay of delays) slots[Math.min(19, Math.floor((delay - 2000) / 100))]!++
    expect(Math.max(...slots)).toBeLessThan(100)
    expect(Math.min(...slots)).toBeGreaterThan(20)
  })
})
