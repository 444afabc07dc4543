import type { AuditEntry } from '../../shared/schemas/audit'
import type { Ports } from '../ports'
import { type EventRecord, eventLog } from '../pipeline/event-log'
import { type Actor, isAdmin, requireActor } from './actor'
import type { CommunityService } from './communities'
import { DomainError, forbidden } from './errors'
import type { Page } from './pagination'
import type { UserService } from './users'

/**
 * The event types a community's audit log shows: moderator and admin actions. Each carries
 * `communityId` in its data. Add new moderation events here (with a summary below) to show them.
 */
export const AUDIT_TYPES = [
  'c18n.community.updated',
  'c18n.membership.joined',
  'c18n.membership.role_changed',
  'c18n.membership.left',
  'c18n.post.deleted',
  'c18n.post.approved',
  'c18n.post.rejected',
  'c18n.post.removed',
  'c18n.post.flagged',
  'c18n.flag.dismissed',
  'c18n.member.banned',
  'c18n.member.unbanned',
] as const

type Data = Record<string, unknown>
const str = (value: unknown) => (typeof value === 'string' ? value : '')

/**
 * Whether an event is a moderation action rather than a member's own doing: joining or leaving
 * by oneself is not audited, being added or removed by someone else is.
 */
function isModeration(record: EventRecord): boolean {
  if (record.type === 'c18n.membership.joined') return !!record.actorid && record.actorid !== record.data.userId
  if (record.type === 'c18n.membership.left') return !!record.data.removedBy
  return true
}

function summarize(record: EventRecord, name: (id: unknown) => string): string {
  const d: Data = record.data
  switch (record.type) {
    case 'c18n.community.updated': return `changed ${Object.keys((d.changes as Data | undefined) ?? {}).join(', ') || 'nothing'}`
    case 'c18n.membership.joined': return `added ${name(d.userId)}`
    case 'c18n.membership.role_changed': return `made ${name(d.userId)} ${str(d.role) === 'moderator' ? 'a moderator' : 'a member'}`
    case 'c18n.membership.left': return `removed ${name(d.userId)}`
    case 'c18n.post.deleted': return `deleted post ${str(d.id)}`
    case 'c18n.post.approved': return `approved post ${str(d.id)}`
    case 'c18n.post.rejected': return `rejected post ${str(d.id)}: ${str(d.reason)}`
    case 'c18n.post.removed': return `removed post ${str(d.id)}: ${str(d.reason)}`
    case 'c18n.post.flagged': return `flagged post ${str(d.id)} (${str(d.source)}, ${str(d.action)})`
    case 'c18n.flag.dismissed': return `dismissed the flag on post ${str(d.id)}`
    case 'c18n.member.banned': return `${str(d.mode) === 'mute' ? 'muted' : 'banned'} ${name(d.userId)}${d.until ? ` until ${str(d.until)}` : ' for good'}: ${str(d.reason)}`
    case 'c18n.member.unbanned': return `lifted the ban or mute on ${name(d.userId)}: ${str(d.reason)}`
    default: return record.type.replace(/^c18n\./, '').replace(/[._]/g, ' ')
  }
}

const BATCH = 100

function encodeCursor(record: EventRecord): string {
  return Buffer.from(JSON.stringify([record.time, record._id])).toString('base64url')
}
function decodeCursor(cursor: string): [string, string] {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown
    if (Array.isArray(value) && value.length === 2 && value.every(v => typeof v === 'string')) return value as [string, string]
  }
  catch { /* falls through */ }
  throw new DomainError('invalid', 'The cursor is not valid; start again from the first page', { cursor: ['not a cursor this API gave out'] })
}

/** A community's audit log, read straight from the immutable event log. */
export class AuditService {
  constructor(private readonly ports: Pick<Ports, 'store'>, private readonly users: UserService, private readonly communities: CommunityService) {}

  async setup() {
    await eventLog(this.ports.store).createIndex({ 'data.communityId': 1, 'time': -1 })
  }

  /** Newest first; owners of the community and site admins only. */
  async forCommunity(actor: Actor | null, slug: string, query: { cursor?: string, limit: number }): Promise<Page<AuditEntry>> {
    const me = requireActor(actor)
    let after = query.cursor ? decodeCursor(query.cursor) : null
    const { doc, role } = await this.communities.visible(me, slug)
    if (role !== 'owner' && !isAdmin(me)) throw forbidden('Only the community\'s owners can read its audit log')
    const base = { 'data.communityId': doc._id, 'type': { $in: [...AUDIT_TYPES] }, 'status': 'applied' }
    const log = eventLog(this.ports.store)
    const found: EventRecord[] = []
    let exhausted = false
    // Keyset paging on (time, _id), newest first: first the rest of the cursor's millisecond,
    // then older ones. Self-service joins and leaves are skipped, so a batch may yield less.
    while (found.length <= query.limit && !exhausted) {
      let batch = after ? await log.find({ ...base, time: after[0], _id: { $lt: after[1] } }, { sort: { _id: -1 }, limit: BATCH }) : []
      if (!batch.length) batch = await log.find(after ? { ...base, time: { $lt: after[0] } } : base, { sort: { time: -1, _id: -1 }, limit: BATCH })
      if (!batch.length) exhausted = true
      for (const record of batch) {
        after = [record.time, record._id]
        if (isModeration(record)) found.push(record)
        if (found.length > query.limit) break
      }
    }
    const items = found.slice(0, query.limit)
    const people = await this.users.byIds([...items.map(r => r.actorid ?? ''), ...items.map(r => str(r.data.userId))].filter(Boolean))
    const name = (id: unknown) => (typeof id === 'string' && people.get(id) ? `@${people.get(id)!.handle}` : 'someone')
    return {
      items: items.map((record) => {
        const user = record.actorid ? people.get(record.actorid) : undefined
        return {
          id: record._id, type: record.type, time: record.time, subject: record.subject, data: record.data, summary: summarize(record, name),
          actor: user ? { id: user.id, handle: user.handle, displayName: user.displayName, avatarUrl: user.avatarUrl } : null,
        }
      }),
      nextCursor: found.length > query.limit ? encodeCursor(items.at(-1)!) : null,
    }
  }
}
