import type { DocumentStore } from '../../ports'
import type { ConnectionKind } from '../../../shared/schemas/connection'
import type { CloudEvent } from '../../../shared/schemas/events'
import { insertOnce } from './post-writes'
import type { Projection } from './types'
import { applied, rejected, sequenceOf } from './types'

/** The current edge from one person to another; its _id makes drawing it twice change nothing. */
export interface ConnectionDoc { _id: string, kind: ConnectionKind, userId: string, targetId: string, since: string, seq: string }
/** One immutable version of an edge: drawn (on) or taken away (off), and why when another event did it. */
export interface ConnectionVersionDoc { _id: string, kind: ConnectionKind, userId: string, targetId: string, on: boolean, at: string, cause?: string }

export const connectionId = (kind: ConnectionKind, userId: string, targetId: string) => `${kind}:${userId}:${targetId}`
export const connections = (store: DocumentStore) => store.collection<ConnectionDoc>('connections')
export const connectionVersions = (store: DocumentStore) => store.collection<ConnectionVersionDoc>('connection_versions')

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEvent = CloudEvent<Record<string, any>>

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

async function draw(store: DocumentStore, event: AnyEvent, kind: ConnectionKind, userId: string, targetId: string) {
  await insertOnce(store, 'connection_versions', { _id: event.id, kind, userId, targetId, on: true, at: event.time } satisfies ConnectionVersionDoc)
  await insertOnce(store, 'connections', { _id: connectionId(kind, userId, targetId), kind, userId, targetId, since: event.time, seq: sequenceOf(event) } satisfies ConnectionDoc)
}

/** Takes an edge away; `cause` names the event when it is another's doing (a block ends follows). */
async function erase(store: DocumentStore, event: AnyEvent, kind: ConnectionKind, userId: string, targetId: string, cause?: string) {
  const _id = connectionId(kind, userId, targetId)
  if (cause && !(await connections(store).findOne({ _id }))) return
  await insertOnce(store, 'connection_versions', { _id: cause ? `${event.id}:${kind}:${userId}` : event.id, kind, userId, targetId, on: false, at: event.time, ...(cause ? { cause } : {}) } satisfies ConnectionVersionDoc)
  await connections(store).deleteOne({ _id })
}

/** Follows, blocks and mutes between people. */
export const connectionProjections: Record<string, Projection> = {
  'c18n.connection.followed': async (event, store) => {
    const { userId, targetId } = event.data
    // A block drawn meanwhile, on another partition, wins: the follow is refused at the last moment too.
    if (!(await connections(store).findOne({ _id: connectionId('follow', userId, targetId) })) && await blockedBetween(store, userId, targetId)) return rejected('You cannot follow this person')
    await draw(store, event, 'follow', userId, targetId)
    return applied
  },
  'c18n.connection.unfollowed': async (event, store) => {
    await erase(store, event, 'follow', event.data.userId, event.data.targetId)
    return applied
  },
  'c18n.connection.blocked': async (event, store) => {
    const { userId, targetId } = event.data
    await draw(store, event, 'block', userId, targetId)
    // A block ends the follows both ways, each ending a version of its own.
    await erase(store, event, 'follow', userId, targetId, 'blocked')
    await erase(store, event, 'follow', targetId, userId, 'blocked')
    return applied
  },
  'c18n.connection.unblocked': async (event, store) => {
    await erase(store, event, 'block', event.data.userId, event.data.targetId)
    return applied
  },
  'c18n.connection.muted': async (event, store) => {
    await draw(store, event, 'mute', event.data.userId, event.data.targetId)
    return applied
  },
  'c18n.connection.unmuted': async (event, store) => {
    await erase(store, event, 'mute', event.data.userId, event.data.targetId)
    return applied
  },
}
