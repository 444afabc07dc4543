import type { Cache } from '../ports'
import { liveChannel } from './live-log'

/**
 * Who may follow a room is decided when they subscribe, and again whenever something that
 * decides it changes (a membership, a community's visibility, a ban, a group): the writer
 * announces the change on the room's own channel, which every app instance holding a
 * subscriber to it listens to, and each instance checks its subscribers again.
 */
export interface AccessChanged { type: 'access_changed', room: string, reason: string }

export const isAccessChanged = (frame: { type?: unknown }): frame is AccessChanged => frame.type === 'access_changed'

export async function announceAccessChange(cache: Pick<Cache, 'publish'>, rooms: string[], reason: string) {
  await Promise.all(rooms.map(room => cache.publish(liveChannel(room), JSON.stringify({ type: 'access_changed', room, reason } satisfies AccessChanged))))
}

/** The rooms of a community: its chat room and its stream of posts. */
export const communityRooms = (communityId: string) => [`community:${communityId}`, `posts:${communityId}`]

/** Sessions ended server-side: every instance closes the live connections they opened. */
export const SESSIONS_CHANNEL = 'live-sessions'
/** Every session of a user below `version` ended, or the one session `sessionId`. */
export interface SessionRevoked { userId: string, version?: number, sessionId?: string }

export async function announceSessionRevoked(cache: Pick<Cache, 'publish'>, revoked: SessionRevoked) {
  await cache.publish(SESSIONS_CHANNEL, JSON.stringify(revoked))
}
