import type { H3Event } from 'h3'
import { getServerSession } from '#auth'
import type { Actor } from '../../core/domain'
import type { User } from '../../shared/schemas/user'
import { useDomain } from './domain'

/** The signed-in user behind a request, looked up fresh so a removed account loses access at once. */
export async function getCurrentUser(event: H3Event): Promise<User | null> {
  if (event.context.currentUser !== undefined) return event.context.currentUser as User | null
  const session = await getServerSession(event)
  const id = (session?.user as { id?: string } | undefined)?.id
  // A person banned from the site has no session, whatever the cookie holds.
  const user = id ? await (await useDomain()).users.activeById(id) : null
  event.context.currentUser = user
  return user
}

export async function getActor(event: H3Event): Promise<Actor | null> {
  const user = await getCurrentUser(event)
  return user ? { id: user.id, role: user.role } : null
}
