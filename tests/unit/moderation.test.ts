import { describe, expect, it } from 'vitest'
import { DEFAULT_MODERATION_SETTINGS } from '../../shared/schemas/moderation'
import { analyzeText } from '../../core/moderation/analyze'
import { reactionReasons } from '../../core/pipeline/flagger'
import { eventLog } from '../../core/pipeline/event-log'
import { feedKey } from '../../core/domain/feed-cache'
import { POSTS_INDEX } from '../../core/domain/posts-model'
import { LiveLog } from '../../core/realtime/live-log'
import { eventually } from '../contract/suites/wait'
import { type FakeClock, fakeClock } from '../support/clock'
import { freshDomain } from './helpers'

const community = (slug: string, postsNeedApproval = false) => ({ name: `The ${slug}`, slug, description: '', topics: [], visibility: 'public' as const, postsNeedApproval })

/** A community with an owner (ann), a moderator (mo) and two members (ben, cat). */
async function moderatedCommunity(postsNeedApproval: boolean, clock?: FakeClock) {
  const { domain, make } = await freshDomain(clock ? { now: clock.now } : {})
  const [ann, mo, ben, cat] = [await make('ann'), await make('mo'), await make('ben'), await make('cat')]
  const slug = 'harbour'
  const created = await domain.communities.create(ann.actor, community(slug, postsNeedApproval))
  for (const who of [mo, ben, cat]) await domain.communities.join(who.actor, slug)
  await domain.communities.changeRole(ann.actor, slug, mo.id, 'moderator')
  return { domain, ann, mo, ben, cat, slug, communityId: created.id }
}

type Domain = Awaited<ReturnType<typeof freshDomain>>['domain']
const notificationsOf = async (domain: Domain, userId: string) => domain.ports.store.collection<{ _id: string, type: string, postId: string, text: string }>('notifications').find({ userId })
const feedIds = async (domain: Domain, actor: { id: string, role: 'user' | 'admin' } | null, slug: string) => (await domain.posts.feed(actor, slug, { limit: 50 })).items.map(p => p.id)
const searchIds = async (domain: Domain, q: string) => {
  await domain.ports.search.refresh(POSTS_INDEX)
  return (await domain.search.searchPosts(null, { q, limit: 20 })).items.map(i => i.post.id)
}

describe('content analysis', () => {
  it('finds profanity, also written in disguise', () => {
    expect(analyzeText('what the fuck')).toEqual([{ rule: 'profanity', word: 'fuck' }])
    expect(analyzeText('you are a fuuuuckkk')).toEqual([{ rule: 'profanity', word: 'fuck' }])
    expect(analyzeText('sh1t happens').map(r => r.word)).toEqual(['shit'])
    expect(analyzeText('ｆｕｃｋ').map(r => r.word)).toEqual(['fuck'])
  })

  it('leaves clean text alone, including words that hide a bad one, and plain numbers', () => {
    expect(analyzeText('The pen is mightier than the sword; grapes are yummy; a banal song.')).toEqual([])
    // Leetspeak would read these as words; written without a letter they are numbers.
    expect(analyzeText('Room 455, flight 717, code 4550')).toEqual([])
    expect(analyzeText('a55 and 7it').map(r => r.word)).toEqual(['ass', 'tit'])
  })

  it('flags the words of a community\'s own list, whole words, with leetspeak undone', () => {
    expect(analyzeText('buy cheap w4tches now', ['watches'])).toEqual([{ rule: 'word_list', word: 'watches' }])
    expect(analyzeText('WATCHES WATCHES', ['Watches'])).toHaveLength(1)
    expect(analyzeText('stopwatches are fine', ['watches'])).toEqual([])
    expect(analyzeText('buy cheap watches', [])).toEqual([])
  })
})

describe('reaction thresholds', () => {
  const now = Date.parse('2026-01-01T12:00:00Z')
  const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString()
  const settings = { ...DEFAULT_MODERATION_SETTINGS, reportThreshold: 3, negativeMinimum: 4, negativeRatio: 2, windowMinutes: 60 }

  it('flags a post with enough report reactions', () => {
    expect(reactionReasons([{ kind: 'report', at: at(1) }, { kind: 'report', at: at(2) }], settings, now)).toEqual([])
    expect(reactionReasons([1, 2, 3].map(m => ({ kind: 'report', at: at(m * 600) })), settings, now)).toEqual(['3 report reactions (threshold 3)'])
  })

  it('flags many negative reactions against few positive ones within the window only', () => {
    const negative = [1, 2, 3, 4].map(m => ({ kind: 'sad', at: at(m) }))
    expect(reactionReasons([...negative, { kind: 'like', at: at(1) }], settings, now)).toEqual(['4 negative to 1 positive reactions within 60 min'])
    expect(reactionReasons([...negative, { kind: 'like', at: at(1) }, { kind: 'love', at: at(1) }, { kind: 'wow', at: at(1) }], settings, now)).toEqual([])
    expect(reactionReasons([1, 2, 3, 4].map(m => ({ kind: 'sad', at: at(60 + m) })), settings, now)).toEqual([])
  })
})

describe('the approval queue', { timeout: 15_000 }, () => {
  it('keeps a new post pending: seen by its author (marked) and the moderators only', async () => {
    const { domain, ann, mo, ben, cat, slug } = await moderatedCommunity(true)
    const post = await domain.posts.create(ben.actor, slug, { title: 'Harbour lights pending', body: 'please approve', tags: [] })
    expect(post.moderation).toBe('pending')
    expect((await domain.posts.feed(ben.actor, slug, { limit: 10 })).items[0]).toMatchObject({ id: post.id, moderation: 'pending' })
    expect(await feedIds(domain, cat.actor, slug)).not.toContain(post.id)
    expect(await feedIds(domain, null, slug)).not.toContain(post.id)
    await expect(domain.posts.get(cat.actor, post.id)).rejects.toMatchObject({ kind: 'not_found' })
    await expect(domain.posts.thread(null, post.id)).rejects.toMatchObject({ kind: 'not_found' })
    expect((await domain.posts.get(mo.actor, post.id)).moderation).toBe('pending')
    const queue = await domain.moderation.queue(mo.actor, slug, { limit: 10 })
    expect(queue.items.map(i => [i.kind, i.post.id])).toEqual([['approval', post.id]])
    await eventually(async () => expect((await notificationsOf(domain, mo.id)).filter(n => n.type === 'moderation' && n.postId === post.id)).toHaveLength(1))
    expect((await notificationsOf(domain, ann.id)).some(n => n.type === 'moderation' && n.postId === post.id)).toBe(true)
    // Members hear nothing of a post nobody approved; search does not find it. A moderator's post
    // of the same community comes after it in every consumer: once cat hears of that and search
    // finds it, the consumers are past the pending post.
    const marker = await domain.posts.create(mo.actor, slug, { title: 'Marker', body: 'after the held one', tags: [] })
    await eventually(async () => {
      expect((await notificationsOf(domain, cat.id)).some(n => n.postId === marker.id)).toBe(true)
      expect(await searchIds(domain, 'marker')).toEqual([marker.id])
    })
    expect((await notificationsOf(domain, cat.id)).some(n => n.postId === post.id)).toBe(false)
    expect(await searchIds(domain, 'pending')).toEqual([])
    expect(await domain.ports.cache.zRevRangeWithScores(feedKey(post.communityId), 0, -1)).not.toContainEqual(expect.objectContaining({ member: post.id }))
  })

  it('publishes an approved post as a new version, tells the author and then the members', async () => {
    const { domain, mo, ben, cat, slug } = await moderatedCommunity(true)
    const post = await domain.posts.create(ben.actor, slug, { title: 'Approve me', body: 'a fine post @cat', tags: [] })
    const approved = await domain.moderation.approve(mo.actor, post.id)
    expect(approved).toMatchObject({ moderation: 'published', version: 2 })
    expect(await feedIds(domain, cat.actor, slug)).toContain(post.id)
    expect((await domain.posts.get(cat.actor, post.id)).title).toBe('Approve me')
    const history = await domain.posts.history(ben.actor, post.id)
    expect(history.map(v => [v.version, v.moderation, v.editor?.handle])).toEqual([[1, 'pending', 'ben'], [2, 'published', 'mo']])
    expect(await eventLog(domain.ports.store).count({ type: 'c18n.post.approved', subject: post.id, actorid: mo.id })).toBe(1)
    await eventually(async () => {
      expect((await notificationsOf(domain, ben.id)).filter(n => n.type === 'decision' && n.postId === post.id)).toHaveLength(1)
      expect((await notificationsOf(domain, cat.id)).filter(n => n.postId === post.id).map(n => n.type)).toEqual(['mention'])
      expect((await notificationsOf(domain, mo.id)).filter(n => n.type === 'new_post' && n.postId === post.id)).toHaveLength(1)
      expect(await searchIds(domain, 'approve')).toEqual([post.id])
    })
    expect((await domain.moderation.queue(mo.actor, slug, { limit: 10 })).items).toEqual([])
    await expect(domain.moderation.approve(mo.actor, post.id)).rejects.toMatchObject({ kind: 'conflict' })
  })

  it('keeps a rejected post from everyone but its author, who hears why', async () => {
    const { domain, mo, ben, cat, slug } = await moderatedCommunity(true)
    const post = await domain.posts.create(ben.actor, slug, { title: 'Reject me', body: 'off topic', tags: [] })
    expect((await domain.moderation.reject(mo.actor, post.id, 'Off topic here')).moderation).toBe('rejected')
    await expect(domain.posts.get(cat.actor, post.id)).rejects.toMatchObject({ kind: 'not_found' })
    expect((await domain.posts.get(ben.actor, post.id)).moderation).toBe('rejected')
    expect((await domain.posts.history(ben.actor, post.id)).at(-1)).toMatchObject({ moderation: 'rejected', reason: 'Off topic here' })
    await eventually(async () => expect((await notificationsOf(domain, ben.id)).find(n => n.type === 'decision')?.text).toMatch(/not approved: Off topic here/))
  })

  it('publishes moderators\' own posts and replies at once', async () => {
    const { domain, mo, ben, slug } = await moderatedCommunity(true)
    const post = await domain.posts.create(mo.actor, slug, { title: 'From a moderator', body: 'straight up', tags: [] })
    expect(post.moderation).toBe('published')
    expect((await domain.posts.reply(ben.actor, post.id, { body: 'a reply' })).moderation).toBe('published')
  })

  it('announces a post on the live stream only once it is approved', async () => {
    const { domain, mo, ben, slug, communityId } = await moderatedCommunity(true)
    const post = await domain.posts.create(ben.actor, slug, { title: 'Quiet until approved', body: 'x', tags: [] })
    const marker = await domain.posts.create(mo.actor, slug, { title: 'Marker', body: 'published at once', tags: [] })
    const live = new LiveLog(domain.ports.cache)
    const created = async () => (await live.since(`posts:${communityId}`, 0)).events.filter(e => e.kind === 'post.created').map(e => (e.payload as { id: string }).id)
    await eventually(async () => expect(await created()).toContain(marker.id))
    expect(await created()).not.toContain(post.id)
    await domain.moderation.approve(mo.actor, post.id)
    await eventually(async () => expect(await created()).toContain(post.id))
  })

  it('lets only moderators see the queue and decide', async () => {
    const { domain, ben, cat, slug } = await moderatedCommunity(true)
    const post = await domain.posts.create(ben.actor, slug, { title: 'Not yours to approve', body: 'x', tags: [] })
    await expect(domain.moderation.queue(cat.actor, slug, { limit: 10 })).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.moderation.queue(null, slug, { limit: 10 })).rejects.toMatchObject({ kind: 'unauthenticated' })
    await expect(domain.moderation.approve(cat.actor, post.id)).rejects.toMatchObject({ kind: 'not_found' })
    await expect(domain.moderation.approve(ben.actor, post.id)).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.moderation.settings(cat.actor, slug)).rejects.toMatchObject({ kind: 'forbidden' })
  })
})

describe('flagging', { timeout: 15_000 }, () => {
  it('flags an abusive post within moments and hides it, as the community asks by default', async () => {
    const { domain, mo, ben, cat, slug } = await moderatedCommunity(false)
    const post = await domain.posts.create(ben.actor, slug, { title: 'Rude one', body: 'you are all sh1t', tags: [] })
    await eventually(async () => expect((await domain.posts.get(ben.actor, post.id)).moderation).toBe('hidden'))
    await expect(domain.posts.get(cat.actor, post.id)).rejects.toMatchObject({ kind: 'not_found' })
    expect(await feedIds(domain, cat.actor, slug)).not.toContain(post.id)
    const [item] = (await domain.moderation.queue(mo.actor, slug, { limit: 10 })).items
    expect(item).toMatchObject({ kind: 'flag', post: { id: post.id }, reasons: [{ source: 'content', detail: 'profanity (shit)' }] })
    await eventually(async () => expect((await notificationsOf(domain, mo.id)).some(n => n.type === 'moderation' && n.postId === post.id)).toBe(true))
    await eventually(async () => expect(await searchIds(domain, 'rude')).toEqual([]))
  })

  it('only queues a flagged post when the community says so, and uses its word list', async () => {
    const { domain, mo, ben, cat, slug } = await moderatedCommunity(false)
    await domain.moderation.updateSettings(mo.actor, slug, { flaggedAction: 'queue', wordList: ['watches'] })
    const post = await domain.posts.create(ben.actor, slug, { title: 'Cheap w4tches', body: 'best prices', tags: [] })
    await eventually(async () => expect((await domain.moderation.queue(mo.actor, slug, { limit: 10 })).items.map(i => i.reasons[0]?.detail)).toEqual(['on the community\'s word list (watches)']))
    expect((await domain.posts.get(cat.actor, post.id)).moderation).toBe('published')
  })

  it('flags a post many members report with a reaction', async () => {
    const { domain, mo, ann, ben, cat, slug } = await moderatedCommunity(false)
    await domain.moderation.updateSettings(ann.actor, slug, { reportThreshold: 2 })
    const post = await domain.posts.create(ben.actor, slug, { title: 'Dubious claim', body: 'trust me', tags: [] })
    // A marker post gets its second report after the post's first: the flagger, taking the
    // community's reactions in order, has judged the single report once it flags the marker.
    const marker = await domain.posts.create(ben.actor, slug, { title: 'Marker claim', body: 'also dubious', tags: [] })
    await domain.posts.react(cat.actor, marker.id, 'report')
    await domain.posts.react(cat.actor, post.id, 'report')
    await domain.posts.react(mo.actor, marker.id, 'report')
    const queued = async () => (await domain.moderation.queue(mo.actor, slug, { limit: 10 })).items.map(i => [i.post.id, i.reasons.map(r => r.source)])
    await eventually(async () => expect(await queued()).toContainEqual([marker.id, ['reactions']]))
    expect(await queued()).toEqual([[marker.id, ['reactions']]])
    await domain.posts.react(ann.actor, post.id, 'report')
    await eventually(async () => expect(await queued()).toContainEqual([post.id, ['reactions']]))
    await eventually(async () => expect((await domain.posts.get(ben.actor, post.id)).moderation).toBe('hidden'))
  })

  it('flags a post a member reports with a reason, once per member', async () => {
    const { domain, mo, ben, cat, slug } = await moderatedCommunity(false)
    await domain.moderation.updateSettings(mo.actor, slug, { flaggedAction: 'queue' })
    const post = await domain.posts.create(ben.actor, slug, { title: 'Spoilers', body: 'the butler did it', tags: [] })
    await domain.moderation.report(cat.actor, post.id, 'Spoils the ending')
    await expect(domain.moderation.report(cat.actor, post.id, 'again')).rejects.toMatchObject({ kind: 'conflict' })
    await expect(domain.moderation.report(ben.actor, post.id, 'my own')).rejects.toMatchObject({ kind: 'conflict' })
    await eventually(async () => expect((await domain.moderation.queue(mo.actor, slug, { limit: 10 })).items[0]?.reasons).toEqual([
      expect.objectContaining({ source: 'report', detail: 'Spoils the ending', reporter: expect.objectContaining({ handle: 'cat' }) }),
    ]))
  })

  it('dismissing a flag shows the post again; removing it takes it down', async () => {
    const { domain, mo, ben, cat, slug } = await moderatedCommunity(false)
    const first = await domain.posts.create(ben.actor, slug, { title: 'Life is a b1tch', body: 'a quote, not abuse', tags: [] })
    const second = await domain.posts.create(ben.actor, slug, { title: 'Really rude', body: 'fuck off all of you', tags: [] })
    await eventually(async () => expect((await domain.moderation.queue(mo.actor, slug, { limit: 10 })).items.map(i => i.post.id).sort()).toEqual([first.id, second.id].sort()))
    await eventually(async () => expect((await domain.posts.get(ben.actor, first.id)).moderation).toBe('hidden'))
    expect((await domain.moderation.dismiss(mo.actor, first.id, 'a film quote')).moderation).toBe('published')
    expect(await feedIds(domain, cat.actor, slug)).toContain(first.id)
    await domain.moderation.remove(mo.actor, second.id, 'Abuse')
    expect(await domain.posts.get(ben.actor, second.id)).toMatchObject({ deleted: true, moderation: 'removed', body: '' })
    expect((await domain.moderation.queue(mo.actor, slug, { limit: 10 })).items).toEqual([])
    await expect(domain.moderation.dismiss(mo.actor, second.id)).rejects.toMatchObject({ kind: 'conflict' })
    await eventually(async () => expect((await notificationsOf(domain, ben.id)).some(n => n.type === 'decision' && /removed by a moderator: Abuse/.test(n.text))).toBe(true))
  })
})

describe('bans', { timeout: 15_000 }, () => {
  it('keeps a muted member from posting, replying and reacting until the mute ends', async () => {
    const clock = fakeClock()
    const { domain, mo, ben, cat, slug } = await moderatedCommunity(false, clock)
    const post = await domain.posts.create(cat.actor, slug, { title: 'Before the mute', body: 'hello', tags: [] })
    await domain.moderation.ban(mo.actor, slug, { userId: ben.id, mode: 'mute', until: new Date(clock.now() + 600).toISOString(), reason: 'Cool off' })
    await expect(domain.posts.create(ben.actor, slug, { title: 'Muted', body: 'x', tags: [] })).rejects.toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/muted in .*Cool off/) })
    await expect(domain.posts.reply(ben.actor, post.id, { body: 'x' })).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.posts.react(ben.actor, post.id, 'like')).rejects.toMatchObject({ kind: 'forbidden' })
    clock.advance(599)
    await expect(domain.posts.create(ben.actor, slug, { title: 'Still muted', body: 'x', tags: [] })).rejects.toMatchObject({ kind: 'forbidden' })
    clock.advance(2)
    expect((await domain.posts.create(ben.actor, slug, { title: 'After the mute', body: 'back', tags: [] })).moderation).toBe('published')
    expect(await eventLog(domain.ports.store).count({ type: 'c18n.member.banned', actorid: mo.id })).toBe(1)
  })

  it('bans for good: out of the community and not back in; members may not ban', async () => {
    const { domain, ann, mo, ben, cat, slug } = await moderatedCommunity(false)
    await expect(domain.moderation.ban(cat.actor, slug, { userId: ben.id, mode: 'ban', until: null, reason: 'nope' })).rejects.toMatchObject({ kind: 'forbidden' })
    await expect(domain.moderation.ban(mo.actor, slug, { userId: ann.id, mode: 'ban', until: null, reason: 'coup' })).rejects.toMatchObject({ kind: 'forbidden' })
    await domain.moderation.ban(mo.actor, slug, { userId: ben.id, mode: 'ban', until: null, reason: 'Spam' })
    expect((await domain.communities.get(ben.actor, slug)).myRole).toBeNull()
    await expect(domain.communities.join(ben.actor, slug)).rejects.toMatchObject({ kind: 'forbidden' })
  })
})
