import type { Message } from '~~/shared/schemas/chat'
import type { LiveEvent } from '~~/shared/realtime/protocol'

/** A message as shown once it is deleted: its text is gone, the place in the thread stays. */
export const asDeleted = (message: Message): Message => ({ ...message, deleted: true, body: '', bodyHtml: '' })

/**
 * The live reducer of a room: the message a live event leaves behind, or null when the event
 * changes nothing shown. `current` is the message the event names, if the room holds it; a
 * reaction of one's own is left out because the author's answer to the request already counted it.
 */
export function messageAfter(event: LiveEvent, current: Message | undefined, myId: string | undefined): Message | null {
  const p = event.payload as Record<string, unknown>
  if (event.kind === 'message.sent') return p.message as Message
  if (!current) return null
  if (event.kind === 'message.edited') return { ...current, body: String(p.body), bodyHtml: String(p.bodyHtml), updatedAt: String(p.updatedAt), version: current.version + 1 }
  if (event.kind === 'message.deleted') return asDeleted(current)
  if (event.kind === 'message.reacted' && p.userId !== myId) {
    const kind = String(p.kind)
    return { ...current, reactionCounts: { ...current.reactionCounts, [kind]: Math.max(0, (current.reactionCounts[kind] ?? 0) + (p.on ? 1 : -1)) } }
  }
  return null
}

/** The id of the message a live event is about, for looking it up in the room. */
export function eventMessageId(event: LiveEvent): string | undefined {
  const id = (event.payload as Record<string, unknown>).id
  return typeof id === 'string' ? id : undefined
}
