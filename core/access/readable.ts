import type { DocumentStore } from '../ports'
import type { Actor } from '../domain/actor'

/**
 * The communities a reader may read right now: every public one, and the private ones they
 * belong to (all of them for a site admin). Derived views ask this at read time rather than
 * trusting what they stored when the content was written.
 */
export async function readableCommunityIds(store: DocumentStore, actor: Actor | null): Promise<Set<string>> {
  const communities = store.collection<{ _id: string, visibility: string }>('communities')
  if (actor?.role === 'admin') return new Set((await communities.find({})).map(c => c._id))
  const mine = actor ? await store.collection<{ _id: string, communityId: string }>('memberships').find({ userId: actor.id }) : []
  const [open, privateMine] = await Promise.all([
    communities.find({ visibility: 'public' }),
    mine.length ? communities.find({ _id: { $in: mine.map(m => m.communityId) }, visibility: 'private' }) : Promise.resolve([]),
  ])
  return new Set([...open, ...privateMine].map(c => c._id))
}
