import { describe, expect, inject, it } from 'vitest'
import { api } from '../../shared/api/contract'
import { ApiClient } from '../support/client'

const client = () => new ApiClient(inject('baseURL'))

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

  it('serves an OpenAPI 3.1 document with every route of the contract and its schemas', async () => {
    const doc = (await client().get('/api/openapi.json')).json
    expect(doc.openapi).toBe('3.1.0')
    for (const [operationId, spec] of Object.entries(api)) {
      const operation = doc.paths[spec.path]?.[spec.method]
      expect(operation, `${spec.method} ${spec.path}`).toMatchObject({ operationId })
    }
    const create = doc.paths['/api/communities'].post
    expect(create.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['name', 'slug']))
    expect(create.requestBody.content['application/json'].schema.properties.slug.pattern).toBeTruthy()
    expect(create.responses['201']).toBeTruthy()
    expect(create.responses['401']).toBeTruthy()
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
