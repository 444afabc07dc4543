import type { DocumentStore } from '../../ports'
import { DuplicateKeyError } from '../../ports'
import type { Projection } from './types'
import { applied, rejected, sequenceOf } from './types'

/** Counts are recounted, never incremented, so that applying an event twice changes nothing. */
async function recountMembers(store: DocumentStore, communityId: string) {
  const memberCount = await store.collection('memberships').count({ communityId })
  await store.collection('communities').updateOne({ _id: communityId }, { $set: { memberCount } })
}

async function upsertMembership(store: DocumentStore, communityId: string, userId: string, role: string, time: string, seq: string) {
  const memberships = store.collection<{ _id: string }>('memberships')
  const _id = `${communityId}:${userId}`
  if (!(await memberships.findOne({ _id }))) {
    await memberships.insertOne({ _id, communityId, userId, role, joinedAt: time, seq } as never).catch((error) => {
      if (!(error instanceof DuplicateKeyError)) throw error
    })
  }
  await recountMembers(store, communityId)
}

/** communities and memberships. */
export const communityProjections: Record<string, Projection> = {
  'c18n.community.created': async (event, store) => {
    const { data, time } = event
    const communities = store.collection<{ _id: string }>('communities')
    try {
      await communities.insertOne({ _id: data.id, slug: data.slug, name: data.name, description: data.description, topics: data.topics, visibility: data.visibility, postsNeedApproval: data.postsNeedApproval, ownerId: data.ownerId, memberCount: 0, createdAt: time, updatedAt: time } as never)
    }
    catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error
      if (!(await communities.findOne({ _id: data.id }))) return rejected(`The address /c/${data.slug} is taken`)
    }
    await upsertMembership(store, data.id, data.ownerId, 'owner', time, sequenceOf(event))
    return applied
  },
  'c18n.community.updated': async ({ data, time }, store) => {
    await store.collection('communities').updateOne({ _id: data.id }, { $set: { ...data.changes, updatedAt: time } })
    return applied
  },
  'c18n.membership.joined': async (event, store) => {
    await upsertMembership(store, event.data.communityId, event.data.userId, 'member', event.time, sequenceOf(event))
    return applied
  },
  'c18n.membership.role_changed': async ({ data }, store) => {
    await store.collection('memberships').updateOne({ _id: `${data.communityId}:${data.userId}` }, { $set: { role: data.role } })
    return applied
  },
  'c18n.membership.muted': async ({ data }, store) => {
    await store.collection('memberships').updateOne({ _id: `${data.communityId}:${data.userId}` }, { $set: { muted: data.muted } })
    return applied
  },
  'c18n.membership.left': async ({ data }, store) => {
    await store.collection('memberships').deleteOne({ _id: `${data.communityId}:${data.userId}` })
    await recountMembers(store, data.communityId)
    return applied
  },
}
