import { ApiClient } from './client'

/** The named demo accounts: most suites act as them, so the generated people are left for the rest. */
const NAMED = new Set(['ada', 'grace', 'alan', 'katherine'])

/** A signed-in person with what the tests address them by. */
export interface Person { client: ApiClient, handle: string, id: string }

export async function signedInPerson(baseURL: string, handle: string): Promise<Person> {
  const client = await new ApiClient(baseURL).signIn(handle)
  return { client, handle, id: (await client.get('/api/me')).json.id }
}

/**
 * Every generated demo person's handle, in directory order (all pages, named accounts left out).
 * Suites share one server, so each takes its own fixed slice of this list and never another's:
 * sessions the sixth and seventh, home-feed the four before the last four, connections the last four.
 */
export async function generatedHandles(baseURL: string): Promise<string[]> {
  const anonymous = new ApiClient(baseURL)
  const handles: string[] = []
  let cursor: string | null = null
  do {
    const page = await anonymous.get(`/api/users?limit=100${cursor ? `&cursor=${cursor}` : ''}`)
    const { items, nextCursor } = page.json as { items: Array<{ handle: string }>, nextCursor: string | null }
    handles.push(...items.map(u => u.handle).filter(h => !NAMED.has(h)))
    cursor = nextCursor
  } while (cursor)
  return handles
}
