/** A call failed that carried other callers' items too: which of them is at fault is unknown. */
export class SharedCallFailed extends Error {
  constructor(cause: unknown) {
    super(`a grouped call failed: ${(cause as Error)?.message ?? cause}`, { cause })
  }
}

/**
 * Group commit for a consumer's batches. A bus hands batches out per partition, so at a modest
 * rate spread over many partitions each batch holds an event or two, and a store that serves
 * one request at a time (FerretDB) spends its time on round trips. Batches that arrive while a
 * call is running wait and go together in the next one: as many calls as the store can take,
 * each as large as the traffic makes it. Each caller's promise settles with the call that
 * carried its items, so offsets are still committed only after their effects are durable.
 */
export class GroupCommit<T> {
  private queued: Array<{ items: T[], resolve: () => void, reject: (error: unknown) => void }> = []
  private running = false

  constructor(private readonly apply: (items: T[]) => Promise<void>, private readonly maxItems = 2000) {}

  submit(items: T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ items, resolve, reject })
      this.pump()
    })
  }

  private pump() {
    if (this.running || !this.queued.length) return
    const group = [this.queued.shift()!]
    let size = group[0]!.items.length
    while (this.queued.length && size + this.queued[0]!.items.length <= this.maxItems) {
      const next = this.queued.shift()!
      size += next.items.length
      group.push(next)
    }
    this.running = true
    this.apply(group.flatMap(g => g.items))
      .then(() => group.forEach(g => g.resolve()), error => group.forEach(g => g.reject(group.length > 1 ? new SharedCallFailed(error) : error)))
      .finally(() => {
        this.running = false
        this.pump()
      })
  }
}
