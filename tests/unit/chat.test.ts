import { describe, expect, it } from 'vitest'
import { LiveLog } from '../../core/realtime/live-log'
import { messageKey } from '../../core/domain/room-cache'
import { eventually } from '../contract/suites/wait'
import { freshDomain } from './helpers'

const community = { description: '', topics: [], postsNeedApproval: false }

describe('chat', () => {
  it('keeps a community room to its members, with edits as versions, threads, reactions and tombstones', async () => {
    const { domain, make } = await freshDomain()
    const [ann, ben, eve] = [await make('ann'), await make('ben'), await make('eve')]
    const quay = await domain.communities.create(ann.actor, { name: 'Quay', slug: 'quay', visibility: 'private', ...community })
    await domain.communities.addMember(ann.actor, 'quay', 'ben')
    const room = `community:${quay.id}`
    const hello = await domain.chat.send(ann.actor, room, { body: 'Hello **all**' })
    expect(hello.bodyHtml).toContain('<strong>all</strong>')
    const reply = await domain.chat.send(ben.actor, room, { body: 'hi back', parentId: hello.id })
    expect(reply.parentId).toBe(hello.id)
    await expect(domain.chat.send(eve.actor, room, { body: 'let me in' })).rejects.toMatchObject({ kind: 'not_found' })
    await expect(domain.chat.history(eve.actor, room, { limit: 10 })).rejects.toMatchObject({ kind: 'not_found' })
    await expect(domain.chat.edit(ben.actor, hello.id, 'not mine')).rejects.toMatchObject({ kind: 'forbidden' })
    expect((await domain.chat.edit(ann.actor, hello.id, 'Hello everyone')).version).toBe(2)
    expect(await domain.ports.store.collection('message_versions').count({ messageId: hello.id })).toBe(2)
    expect((await domain.chat.react(ben.actor, hello.id, 'love', true)).reactionCounts).toEqual({ love: 1 })
    await expect(domain.chat.react(ben.actor, hello.id, 'love', true)).rejects.toMatchObject({ kind: 'conflict' })
    const page = await domain.chat.history(ann.actor, room, { limit: 10 })
    expect(page.items.map(m => m.body)).toEqual(['hi back', 'Hello everyone'])
    expect(page.items[1]).toMatchObject({ replyCount: 1, reactionCounts: { love: 1 } })
    // The owner moderates the room: deleting leaves a tombstone version.
    await domain.chat.remove(ann.actor, reply.id)
    const after = await domain.chat.history(ben.actor, room, { limit: 10 })
    expect(after.items[0]).toMatchObject({ id: reply.id, deleted: true, body: '' })
    expect(after.items[1]!.replyCount).toBe(0)
  })

  it('starts one conversation per set of people, readable by them only, with unread counts', async () => {
    const { domain, make } = await freshDomain()
    const [ann, ben, eve] = [await make('ann'), await make('ben'), await make('eve')]
    const direct = await domain.chat.startDirect(ann.actor, ['ben'])
    expect((await domain.chat.startDirect(ben.actor, ['ann'])).id).toBe(direct.id)
    expect(direct.participants.map(p => p.handle).sort()).toEqual(['ann', 'ben'])
    await expect(domain.chat.startDirect(ann.actor, ['ann'])).rejects.toMatchObject({ kind: 'invalid' })
    await expect(domain.chat.startDirect(ann.actor, ['nobody'])).rejects.toMatchObject({ kind: 'invalid' })
    await domain.chat.send(ann.actor, direct.id, { body: 'one' })
    await domain.chat.send(ann.actor, direct.id, { body: 'two' })
    await expect(domain.chat.room(eve.actor, direct.id)).rejects.toMatchObject({ kind: 'not_found' })
    expect((await domain.chat.rooms(ben.actor)).find(r => r.id === direct.id)?.unread).toBe(2)
    expect((await domain.chat.rooms(ann.actor)).find(r => r.id === direct.id)?.unread).toBe(0)
    expect((await domain.chat.markRead(ben.actor, direct.id)).unread).toBe(0)
    expect(await domain.chat.rooms(eve.actor)).toEqual([])
  })

  it('numbers each room\'s live stream in order, once per event, and replays what a client missed', async () => {
    const { domain, make } = await freshDomain()
    const [ann] = [await make('ann'), await make('ben')]
    const direct = await domain.chat.startDirect(ann.actor, ['ben'])
    for (const body of ['a', 'b', 'c']) await domain.chat.send(ann.actor, direct.id, { body })
    const log = new LiveLog(domain.ports.cache)
    await eventually(async () => expect(await log.lastSeq(direct.id)).toBe(3), 5000, 50)
    const missed = await log.since(direct.id, 1)
    expect(missed.complete).toBe(true)
    expect(missed.events.map(e => (e.payload.message as { body: string }).body)).toEqual(['b', 'c'])
    expect(missed.events.map(e => e.seq)).toEqual([2, 3])
    // The same bus event appended again (a redelivery) is not a new entry.
    expect(await log.append(direct.id, missed.events[1]!.eventId, 'message.sent', missed.events[1]!.at, {})).toBeNull()
    expect(await log.lastSeq(direct.id)).toBe(3)
  })

  it('names the author on each live message as they are named when it is sent, and nothing more of them', async () => {
    const { domain, make } = await freshDomain()
    const [ann] = [await make('ann'), await make('ben')]
    const direct = await domain.chat.startDirect(ann.actor, ['ben'])
    const log = new LiveLog(domain.ports.cache)
    const authors = async (count: number) => {
      await eventually(async () => expect(await log.lastSeq(direct.id)).toBe(count), 5000, 50)
      return (await log.since(direct.id, 0)).events.map(e => (e.payload.message as { author: Record<string, unknown> }).author)
    }
    await domain.chat.send(ann.actor, direct.id, { body: 'before' })
    expect(await authors(1)).toEqual([{ id: ann.id, handle: 'ann', displayName: 'ANN', avatarUrl: null }])
    // The worker keeps the people it has named: a change on the applied stream renames them.
    await domain.users.update(ann.actor, 'ann', { displayName: 'Ann Again' })
    await domain.chat.send(ann.actor, direct.id, { body: 'after' })
    expect((await authors(2)).map(a => a.displayName)).toEqual(['ANN', 'Ann Again'])
  })

  it('finds messages by their words, only in rooms one can read', async () => {
    const { domain, make } = await freshDomain()
    const [ann, , eve] = [await make('ann'), await make('ben'), await make('eve')]
    const direct = await domain.chat.startDirect(ann.actor, ['ben'])
    await domain.chat.send(ann.actor, direct.id, { body: 'the lighthouse keeper waves' })
    await eventually(async () => {
      await domain.ports.search.refresh('messages')
      expect((await domain.chat.search(ann.actor, { q: 'lighthouse', limit: 5 })).items).toHaveLength(1)
    }, 5000, 50)
    expect((await domain.chat.search(eve.actor, { q: 'lighthouse', limit: 5 })).items).toHaveLength(0)
  })

  it('serves a room\'s first page from the cache, as the store would, and the author reads their writes', async () => {
    const { domain, make } = await freshDomain()
    const [ann] = [await make('ann'), await make('ben')]
    const direct = await domain.chat.startDirect(ann.actor, ['ben'])
    const sent: Array<{ id: string }> = []
    for (const body of ['one', 'two', 'three', 'four', 'five']) sent.push(await domain.chat.send(ann.actor, direct.id, { body }))
    await domain.chat.edit(ann.actor, sent[4]!.id, 'five, edited')
    await domain.chat.remove(ann.actor, sent[3]!.id)
    expect(await domain.ports.cache.zCard(`room:${direct.id}:recent`)).toBe(5)
    expect(await domain.ports.cache.get(`room:${direct.id}:ready`)).toBe('1')
    const fromCache = await domain.chat.history(ann.actor, direct.id, { limit: 3 })
    expect(fromCache.items.map(m => m.body)).toEqual(['five, edited', '', 'three'])
    // Proof that the page came from the cache: a cached copy that differs from the store shows.
    // (Retried: the cacher may still be rewriting 'three' from the store.)
    await eventually(async () => {
      const cached = JSON.parse((await domain.ports.cache.get(messageKey(sent[2]!.id)))!) as Record<string, unknown>
      await domain.ports.cache.set(messageKey(sent[2]!.id), JSON.stringify({ ...cached, body: 'three, as cached' }))
      expect((await domain.chat.history(ann.actor, direct.id, { limit: 3 })).items.map(m => m.body)).toEqual(['five, edited', '', 'three, as cached'])
    }, 2000)
    await domain.ports.cache.del(`room:${direct.id}:ready`)
    expect(await domain.chat.history(ann.actor, direct.id, { limit: 3 })).toEqual(fromCache)
    const rest = await domain.chat.history(ann.actor, direct.id, { limit: 3, cursor: fromCache.nextCursor! })
    expect(rest.items.map(m => m.body)).toEqual(['two', 'one'])
  })
})
