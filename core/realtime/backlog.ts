import type { DocumentStore } from '../ports'
import type { LiveEvent } from '../../shared/realtime/protocol'

/** Kinds whose payload carries words worth hiding once the post or message is gone. */
const POST_KINDS = new Set(['post.created', 'post.edited'])
const MESSAGE_KINDS = new Set(['message.sent', 'message.edited'])

const postIdOf = (event: LiveEvent) => POST_KINDS.has(event.kind) ? String((event.payload as { id?: unknown }).id ?? '') : null
const messageIdOf = (event: LiveEvent) => {
  if (!MESSAGE_KINDS.has(event.kind)) return null
  const payload = event.payload as { id?: unknown, message?: { id?: unknown } }
  return String(payload.message?.id ?? payload.id ?? '')
}

/**
 * A room's kept stream, minus what has been deleted or hidden since it was said: a client
 * catching up (`since: 0`) must not read the title of a post that is gone. The later
 * `post.deleted` / `message.deleted` events stay, so a page that showed it takes it away.
 */
export async function visibleBacklog(store: DocumentStore, events: LiveEvent[]): Promise<LiveEvent[]> {
  const postIds = [...new Set(events.map(postIdOf).filter((id): id is string => !!id))]
  const messageIds = [...new Set(events.map(messageIdOf).filter((id): id is string => !!id))]
  const [gonePosts, goneMessages] = await Promise.all([
    postIds.length ? store.collection<{ _id: string, deleted: boolean, held?: boolean }>('posts').find({ _id: { $in: postIds } }).then(docs => docs.filter(d => d.deleted || d.held)) : Promise.resolve([]),
    messageIds.length ? store.collection<{ _id: string }>('messages').find({ _id: { $in: messageIds }, deleted: true }) : Promise.resolve([]),
  ])
  const gone = new Set([...gonePosts, ...goneMessages].map(d => d._id))
  if (!gone.size) return events
  return events.filter((event) => {
    const id = postIdOf(event) ?? messageIdOf(event)
    return !id || !gone.has(id)
  })
}
