import { DuplicateKeyError } from '../../ports'
import type { Projection } from './types'
import { applied, rejected } from './types'

/** users and groups. */
export const peopleProjections: Record<string, Projection> = {
  'c18n.user.registered': async ({ data, time }, store) => {
    const users = store.collection<{ _id: string }>('users')
    try {
      await users.insertOne({ _id: data.id, handle: data.handle, displayName: data.displayName, bio: data.bio, interests: data.interests, avatarUrl: data.avatarUrl, role: data.role, createdAt: time, updatedAt: time } as never)
    }
    catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error
      if (!(await users.findOne({ _id: data.id }))) return rejected(`The handle @${data.handle} is taken`)
    }
    return applied
  },
  'c18n.user.updated': async ({ data, time }, store) => {
    await store.collection('users').updateOne({ _id: data.id }, { $set: { ...data.changes, updatedAt: time } })
    return applied
  },
  // A ban from the site is a state of the profile; the sessions it ends are the domain's to end.
  'c18n.user.banned': async ({ data, time }, store) => {
    await store.collection('users').updateOne({ _id: data.id }, { $set: { bannedAt: time, banReason: data.reason, updatedAt: time } })
    return applied
  },
  'c18n.user.unbanned': async ({ data, time }, store) => {
    await store.collection('users').updateOne({ _id: data.id }, { $set: { bannedAt: null, banReason: null, updatedAt: time } })
    return applied
  },
  'c18n.user.identity_linked': async ({ data }, store) => {
    const identities = store.collection<{ _id: string, userId: string }>('identities')
    const _id = `${data.provider}:${data.subject}`
    try {
      await identities.insertOne({ _id, userId: data.id, provider: data.provider, subject: data.subject } as never)
    }
    catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error
      if ((await identities.findOne({ _id }))?.userId !== data.id) return rejected('This identity is linked to another profile')
    }
    return applied
  },
  'c18n.group.created': async ({ data, time }, store) => {
    await store.collection('groups').replaceOne({ _id: data.id, name: data.name, ownerId: data.ownerId, memberIds: data.memberIds, createdAt: time, updatedAt: time } as never)
    return applied
  },
  'c18n.group.renamed': async ({ data, time }, store) => {
    await store.collection('groups').updateOne({ _id: data.id }, { $set: { name: data.name, updatedAt: time } })
    return applied
  },
  'c18n.group.member_added': async ({ data, time }, store) => {
    await store.collection('groups').updateOne({ _id: data.id }, { $addToSet: { memberIds: data.userId }, $set: { updatedAt: time } })
    return applied
  },
  'c18n.group.member_removed': async ({ data, time }, store) => {
    await store.collection('groups').updateOne({ _id: data.id }, { $pull: { memberIds: data.userId }, $set: { updatedAt: time } })
    return applied
  },
  'c18n.group.deleted': async ({ data }, store) => {
    await store.collection('groups').deleteOne({ _id: data.id })
    return applied
  },
}
