/** A clock that stands still until a test moves it on: time limits are checked without waiting. */
export function fakeClock(startMs = Date.now()) {
  let nowMs = startMs
  return {
    now: () => nowMs,
    advance(ms: number) { nowMs += ms },
  }
}
export type FakeClock = ReturnType<typeof fakeClock>
