import type { Projection } from './types'
import { applied } from './types'
import { dismissalId, dismissalsCollection } from '../../domain/suggestions-model'

/** Dismissed suggestions: one document per user and target, so dismissing twice changes nothing. */
export const suggestionProjections: Record<string, Projection> = {
  'c18n.suggestion.dismissed': async ({ data, time }, store) => {
    const _id = dismissalId(data.userId, data.kind, data.targetId)
    await store.collection<{ _id: string }>(dismissalsCollection).replaceOne({ _id, userId: data.userId, kind: data.kind, targetId: data.targetId, at: time } as never)
    return applied
  },
}
