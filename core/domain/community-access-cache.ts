const MAX_COMMUNITIES = Number(process.env.C18N_COMMUNITY_CACHE_SIZE ?? 5_000)
const MAX_PER_COMMUNITY = 10_000
/** The longest anything is kept, should the applied stream stop reaching this process. */
const MAX_AGE_MS = Number(process.env.C18N_ACCESS_CACHE_MS ?? 10_000)

interface Entry { at: number, values: Map<string, unknown> }

/**
 * This process's copy of what access checks read about a community: the community itself, and
 * each person's role and ban in it. Every request that reads or writes in a community asks these
 * three; they change seldom. Every event that changes them (community, membership and ban
 * events) is keyed by the community's id, so hearing one on the applied stream drops all that is
 * known of that community (see OutcomeWaiters): serves only while the stream is heard.
 *
 * "Not a member" and "not banned" are kept too (the answer for most readers), which is safe as
 * only the persister writes these collections, from those events. A community not found is not
 * kept. A read that began before a change it did not see is not kept either: a generation per
 * community, and one for all of them for reads by address, whose community is not known yet.
 * Nothing is kept longer than `maxAgeMs`, by this process's clock, whatever the stream says.
 */
export class CommunityAccessCache {
  private readonly entries = new Map<string, Entry>()
  private readonly slugs = new Map<string, string>()
  private readonly generations = new Map<string, number>()
  private epoch = 0

  constructor(
    private readonly live: () => boolean,
    private readonly max = MAX_COMMUNITIES,
    private readonly maxAgeMs = MAX_AGE_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A community by address: the id it was last found under, then that id's entry. */
  async bySlug<Doc extends { _id: string, slug: string }>(slug: string, load: () => Promise<Doc | null>): Promise<Doc | null> {
    const id = this.live() ? this.slugs.get(slug) : undefined
    const known = id === undefined ? undefined : this.entry(id)?.values.get('doc') as Doc | undefined
    if (known && known.slug === slug) return known
    const epoch = this.epoch
    const doc = await load()
    if (doc && this.live() && this.epoch === epoch) {
      this.rememberSlug(slug, doc._id)
      this.keep(doc._id, 'doc', doc)
    }
    return doc
  }

  async byId<Doc extends { _id: string, slug: string }>(id: string, load: () => Promise<Doc | null>): Promise<Doc | null> {
    const doc = await this.remembered(id, 'doc', load)
    if (doc && this.live()) this.rememberSlug(doc.slug, id)
    return doc
  }

  /** A person's role in a community, null when not a member. */
  role<Role>(communityId: string, userId: string, load: () => Promise<Role | null>): Promise<Role | null> {
    return this.remembered(communityId, `role:${userId}`, load, true)
  }

  /** A person's ban record in a community (which may have run out: the caller judges by its clock). */
  ban<Ban>(communityId: string, userId: string, load: () => Promise<Ban | null>): Promise<Ban | null> {
    return this.remembered(communityId, `ban:${userId}`, load, true)
  }

  /** An event about this community was applied: all that is known of it is dropped. */
  forget(communityId: string) {
    this.entries.delete(communityId)
    this.epoch++
    this.generations.set(communityId, (this.generations.get(communityId) ?? 0) + 1)
    if (this.generations.size > this.max) this.generations.delete(this.generations.keys().next().value!)
  }

  private async remembered<T>(communityId: string, slot: string, load: () => Promise<T | null>, keepNull = false): Promise<T | null> {
    if (!this.live()) return load()
    const entry = this.entry(communityId)
    if (entry?.values.has(slot)) return entry.values.get(slot) as T | null
    const generation = this.generations.get(communityId) ?? 0
    const value = await load()
    if ((value !== null || keepNull) && this.live() && (this.generations.get(communityId) ?? 0) === generation) this.keep(communityId, slot, value)
    return value
  }

  /** The id an address was last found under, bounded like the entries. */
  private rememberSlug(slug: string, id: string) {
    this.slugs.set(slug, id)
    if (this.slugs.size > this.max) this.slugs.delete(this.slugs.keys().next().value!)
  }

  /** What is known of a community, if not too old. */
  private entry(communityId: string): Entry | undefined {
    const entry = this.entries.get(communityId)
    if (entry && this.now() - entry.at > this.maxAgeMs) this.entries.delete(communityId)
    else return entry
  }

  private keep(communityId: string, slot: string, value: unknown) {
    let entry = this.entry(communityId)
    if (entry) this.entries.delete(communityId)
    else entry = { at: this.now(), values: new Map() }
    // Most recently used last, so the first is the one to let go.
    this.entries.set(communityId, entry)
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!)
    if (entry.values.size >= MAX_PER_COMMUNITY) entry.values.clear()
    entry.values.set(slot, value)
  }
}
