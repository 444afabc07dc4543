import type { Collection, Doc } from '../ports'
import type { Delivery } from './consumer'

/** The event types whose applied outcome carries the document they created, and its collection. */
const CREATING = { 'c18n.post.created': 'posts', 'c18n.message.sent': 'messages' } as const
type Created = typeof CREATING[keyof typeof CREATING]

/**
 * The documents the persister created from a batch's events and sent along on the applied stream
 * (a new post, a new message), by collection and id, for the views that would read them back.
 * A document is left out when a later event of the batch touches it (an edit, a reaction): the
 * view reads that one, as it would any document an earlier batch made. A redelivered event comes
 * with no document (the persister did not create it this time), so it is read too.
 */
export function freshDocs(deliveries: Delivery[]): Record<Created, Map<string, Doc>> {
  const found: Record<Created, Map<string, Doc>> = { posts: new Map(), messages: new Map() }
  for (const { event, outcome } of deliveries) {
    for (const key of ['id', 'postId'] as const) {
      const id = event.data[key]
      if (typeof id === 'string') for (const docs of Object.values(found)) docs.delete(id)
    }
    const collection = CREATING[event.type as keyof typeof CREATING]
    const doc = outcome?.status === 'applied' ? outcome.doc : undefined
    if (collection && doc && typeof doc._id === 'string') found[collection].set(doc._id, { ...doc, _id: doc._id })
  }
  return found
}

/** These documents by id: those at hand as they are, the others with one query. */
export async function findByIds<T extends Doc>(collection: Collection<T>, ids: Iterable<string>, atHand: Map<string, Doc> = new Map()): Promise<T[]> {
  const wanted = [...new Set(ids)]
  const missing = wanted.filter(id => !atHand.has(id))
  const read = missing.length ? await collection.find({ _id: { $in: missing } }) : []
  return [...wanted.flatMap(id => (atHand.has(id) ? [atHand.get(id) as T] : [])), ...read]
}
