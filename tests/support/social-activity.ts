import type { Domain } from '../../core/domain'
import type { DocumentStore } from '../../core/ports'
import type { Suggester } from '../../core/suggestions/suggester'
import { appliedEvents } from '../../core/suggestions/graph'

/**
 * A stream that touches every part of the social graph: users and interests, communities and
 * their topics and visibility, memberships in and out, groups made, changed and deleted, replies,
 * reactions given and taken back, shares, and a dismissed suggestion.
 */
export async function socialActivity(domain: Domain, prefix: string) {
  const make = async (name: string, interests: string[]) => {
    const user = await domain.users.create({ handle: `${prefix}-${name}`, displayName: name, interests })
    return { ...user, actor: { id: user.id, role: 'user' as const } }
  }
  const [ann, ben, cat, dan] = [await make('ann', ['chess', 'sailing']), await make('ben', ['chess']), await make('cat', ['sailing', 'film']), await make('dan', ['film'])]
  const commons = `${prefix}-commons`
  await domain.communities.create(ben.actor, { name: 'Commons', slug: commons, description: '', topics: ['chess'], visibility: 'public', postsNeedApproval: false })
  for (const who of [ann, cat, dan]) await domain.communities.join(who.actor, commons)
  const secret = `${prefix}-secret`
  await domain.communities.create(cat.actor, { name: 'Secret', slug: secret, description: '', topics: ['film'], visibility: 'private', postsNeedApproval: false })
  await domain.communities.addMember(cat.actor, secret, dan.handle)

  const post = await domain.posts.create(ben.actor, commons, { title: 'Openings', body: 'Which one?', tags: [] })
  const reply = await domain.posts.reply(ann.actor, post.id, { body: 'The Italian' })
  await domain.posts.reply(cat.actor, reply.id, { body: 'Agreed' })
  await domain.posts.react(dan.actor, post.id, 'like')
  await domain.posts.react(dan.actor, reply.id, 'love')
  await domain.posts.unreact(dan.actor, reply.id, 'love')
  await domain.posts.share(cat.actor, post.id, { type: 'link' }, 'http://localhost')

  await domain.users.update(ann.actor, ann.handle, { interests: ['chess', 'film'] })
  await domain.communities.update(ben.actor, commons, { topics: ['chess', 'openings'] })
  await domain.communities.update(cat.actor, secret, { visibility: 'public', name: 'Not so secret' })
  await domain.communities.leave(dan.actor, commons)

  const group = await domain.groups.create(ann.actor, { name: 'Friends', memberHandles: [ben.handle] })
  await domain.groups.addMember(ann.actor, group.id, cat.handle)
  await domain.groups.removeMember(ann.actor, group.id, ben.id)
  const gone = await domain.groups.create(dan.actor, { name: 'Short-lived', memberHandles: [cat.handle] })
  await domain.groups.remove(dan.actor, gone.id)

  await domain.suggestions.dismiss(ann.actor, { kind: 'person', id: dan.id })
  // Posts, reactions and shares answer at Kafka's ack: the activity is over once they are applied too.
  await domain.publisher.drained()
  return { ann, ben, cat, dan }
}

/** Whether a suggester has applied every event the log holds as applied. */
export async function caughtUp(suggester: Suggester, store: DocumentStore): Promise<boolean> {
  for await (const record of appliedEvents(store)) if (!suggester.social.has(record._id)) return false
  return true
}
