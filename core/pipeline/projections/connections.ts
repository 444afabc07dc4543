import type { DocumentStore } from '../../ports'
import type { ConnectionKind } from '../../../shared/schemas/connection'
import { type ConnectionDoc, type ConnectionVersionDoc, blockedBetween, connectionId, connections } from '../../domain/connections-model'
import type { CloudEvent } from '../../../shared/schemas/events'
import { insertOnce } from './post-writes'
import type { Projection } from './types'
import { applied, rejected, sequenceOf } from './types'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyEvent = CloudEvent<Record<string, any>>

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
