import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { api } from '../../shared/api/contract'
import { ApiClient } from '../support/client'

const client = () => new ApiClient(inject('baseURL'))

/** Where Nitro finds a route's handler: `/api/a/{b}` (get) in server/api/a/[b].get.ts or server/api/a/[b]/index.get.ts. */
const routeFiles = (path: string, method: string) => {
  const dir = join('server', ...path.split('/').filter(Boolean).map(part => part.replace(/^\{(.+)\}$/, '[$1]')))
  return [`${dir}.${method}.ts`, join(dir, `index.${method}.ts`)]
}

describe('health, OpenAPI and server-rendered pages', () => {
  it('reports each port, its implementation and that it is up', async () => {
    const health = await client().get('/api/health')
    expect(health.status).toBe(200)
    expect(health.json).toMatchObject({ status: 'ok', mode: 'embedded' })
    expect(Object.keys(health.json.ports).sort()).toEqual(['bus', 'cache', 'jobs', 'objects', 'search', 'store'])
    for (const port of Object.values(health.json.ports) as Array<{ implementation: string, up: boolean }>) {
      expect(port.up).toBe(true)
      expect(port.implementation).toMatch(/^embedded-/)
    }
  })

  it('has a route file at every contract route\'s path and method, binding that contract entry', () => {
    for (const [operationId, spec] of Object.entries(api)) {
      const found = routeFiles(spec.path, spec.method).filter(file => existsSync(file))
      expect(found, `${spec.method} ${spec.path}`).toHaveLength(1)
      expect(readFileSync(found[0]!, 'utf8'), found[0]).toMatch(new RegExp(`defineRoute\\(api\\.${operationId}\\b`))
    }
  })

  it('answers every contract route, signed in or not, with a status its OpenAPI document lists', async () => {
    const doc = (await client().get('/api/openapi.json')).json
    expect(doc.openapi).toBe('3.1.0')
    // A generated demo user: not one the other API tests act as, so its side effects stay its own.
    const someone = (await client().get('/api/users?limit=50')).json.items.map((u: { handle: string }) => u.handle).find((h: string) => /-\d+$/.test(h))
    const visitors = [['anonymous', client()], ['signed in', await client().signIn(someone)]] as const
    for (const spec of Object.values(api)) {
      const documented = Object.keys(doc.paths[spec.path]?.[spec.method]?.responses ?? {})
      expect(documented, `${spec.method} ${spec.path} is documented`).not.toEqual([])
      // Identifiers nobody has, and an empty body: each route must still answer as documented.
      const url = spec.path.replace(/\{[^}]+\}/g, 'no-such-thing')
      for (const [who, visitor] of visitors) {
        const response = await visitor.request(spec.method.toUpperCase(), url, spec.method === 'get' || spec.method === 'delete' ? undefined : {})
        expect(documented, `${who}: ${spec.method} ${url} answered ${response.status} ${response.text.slice(0, 200)}`).toContain(String(response.status))
      }
    }
  })

  it('renders pages on the server with the demo data in them', async () => {
    const c = client()
    const communities = await c.get('/api/communities?limit=1')
    const first = communities.json.items[0]
    const page = await c.get(`/c/${first.slug}`)
    expect(page.status).toBe(200)
    expect(page.text).toContain(first.name)
    expect((await c.get('/u/grace')).text).toContain('Grace Hopper')
    expect((await c.get('/communities')).text).toContain(first.name)
    expect((await c.get('/c/no-such-community')).status).toBe(404)
  })
})
