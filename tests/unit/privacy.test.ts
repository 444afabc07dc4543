import { describe, expect, it } from 'vitest'
import { eventually } from '../contract/suites/wait'
import { freshDomain } from './helpers'

const base = { description: '', topics: [], postsNeedApproval: false }

describe('a private community\'s posts stay with its members', () => {
  it('cannot be crossposted elsewhere, and a group share notifies only the members who can read it', async () => {
    const { domain, make } = await freshDomain()
    const [ann, ben, cat] = [await make('ann'), await make('ben'), await make('cat')]
    await domain.communities.create(ann.actor, { ...base, name: 'Back room', slug: 'back-room', visibility: 'private' })
    await domain.communities.create(ben.actor, { ...base, name: 'Front room', slug: 'front-room', visibility: 'public' })
    await domain.communities.addMember(ann.actor, 'back-room', 'ben')
    const post = await domain.posts.create(ann.actor, 'back-room', { title: 'Secret recipe', body: 'Saffron', tags: [] })
    const group = await domain.groups.create(ben.actor, { name: 'Friends', memberHandles: ['cat'] })

    await expect(domain.posts.share(ben.actor, post.id, { type: 'community', slug: 'front-room' }, 'http://x')).rejects.toMatchObject({ kind: 'forbidden' })
    await domain.posts.share(ben.actor, post.id, { type: 'group', groupId: group.id }, 'http://x')
    // The author hears of the share (from the same event), so the notifier has run for it.
    await eventually(async () => {
      const texts = (await domain.notifications.list(ann.actor, { limit: 20 })).items.map(n => n.text)
      expect(texts.some(t => t.includes('shared your post'))).toBe(true)
    })
    expect((await domain.notifications.list(cat.actor, { limit: 20 })).items).toEqual([])
  })
})
