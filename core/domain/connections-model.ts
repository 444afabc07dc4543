import type { DocumentStore } from '../ports'
import type { ConnectionKind } from '../../shared/schemas/connection'

/** How follows, blocks and mutes are stored: the persister writes them, the domain reads them. */

/** The current edge from one person to another; its _id makes drawing it twice change nothing. */
export interface ConnectionDoc { _id: string, kind: ConnectionKind, userId: string, targetId: string, since: string, seq: string }
/** One immutable version of an edge: drawn (on) or taken away (off), and why when another event did it. */
export interface ConnectionVersionDoc { _id: string, kind: ConnectionKind, userId: string, targetId: string, on: boolean, at: string, cause?: string }

export const connectionId = (kind: ConnectionKind, userId: string, targetId: string) => `${kind}:${userId}:${targetId}`
export const connections = (store: DocumentStore) => store.collection<ConnectionDoc>('connections')
export const connectionVersions = (store: DocumentStore) => store.collection<ConnectionVersionDoc>('connection_versions')

/** Whether either of the two blocked the other. */
export async function blockedBetween(store: DocumentStore, a: string, b: string): Promise<boolean> {
  const found = await connections(store).find({ _id: { $in: [connectionId('block', a, b), connectionId('block', b, a)] } })
  return found.length > 0
}

/** Whose posts a person never sees: those blocked either way, and those they muted. */
export async function hiddenAuthorsOf(store: DocumentStore, userId: string): Promise<Set<string>> {
  const [mine, theirs] = await Promise.all([
    connections(store).find({ userId, kind: { $in: ['block', 'mute'] } }),
    connections(store).find({ kind: 'block', targetId: userId }),
  ])
  return new Set([...mine.map(e => e.targetId), ...theirs.map(e => e.userId)])
}
