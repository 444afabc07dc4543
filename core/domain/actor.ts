import { DomainError } from './errors'

/** Who is asking: the signed-in user, or nobody. */
export interface Actor { id: string, role: 'user' | 'admin' }

export function requireActor(actor: Actor | null): Actor {
  if (!actor) throw new DomainError('unauthenticated', 'Sign in to do this')
  return actor
}

export const isAdmin = (actor: Actor | null) => actor?.role === 'admin'
