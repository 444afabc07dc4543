const MAX_ENTRIES = Number(process.env.C18N_USER_CACHE_SIZE ?? 20_000)

/**
 * This process's copy of the people it has read lately, by id: every request reads its signed-in
 * person (twice, with the session) and the authors of what it shows. Kept current by the
 * applied stream (each app process hears every users event there, see OutcomeWaiters), so it
 * serves only while that stream is being heard; bounded, oldest out first. A read that began
 * before a change it did not see is not kept (a generation per id).
 */
export class UserCache<UserDoc extends { _id: string }> {
  private readonly entries = new Map<string, UserDoc>()
  private readonly generations = new Map<string, number>()

  constructor(private readonly live: () => boolean, private readonly max = MAX_ENTRIES) {}

  /** The people with these ids, from here when known, the rest with one `load`. */
  async get(ids: string[], load: (missing: string[]) => Promise<UserDoc[]>): Promise<Map<string, UserDoc>> {
    const wanted = [...new Set(ids)]
    if (!this.live()) return new Map((await load(wanted)).map(doc => [doc._id, doc]))
    const found = new Map<string, UserDoc>()
    const missing: string[] = []
    for (const id of wanted) {
      const known = this.entries.get(id)
      if (known) found.set(id, known)
      else missing.push(id)
    }
    if (!missing.length) return found
    const before = new Map(missing.map(id => [id, this.generations.get(id) ?? 0]))
    const loaded = new Map((await load(missing)).map(doc => [doc._id, doc]))
    for (const id of missing) {
      const doc = loaded.get(id)
      // Only people found are kept: an id not there yet (written straight to the store, say) is asked again.
      if (!doc) continue
      found.set(id, doc)
      if ((this.generations.get(id) ?? 0) === before.get(id)) this.remember(id, doc)
    }
    return found
  }

  /** A users event was applied: what is known of that person is dropped. */
  forget(id: string) {
    this.entries.delete(id)
    this.generations.set(id, (this.generations.get(id) ?? 0) + 1)
    if (this.generations.size > this.max) this.generations.delete(this.generations.keys().next().value!)
  }

  private remember(id: string, doc: UserDoc) {
    this.entries.delete(id)
    this.entries.set(id, doc)
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!)
  }
}
