import { beforeAll, describe, expect, inject, it } from 'vitest'
import { z } from 'zod'
import { type RouteSpec, api } from '../../shared/api/contract'
import { ApiClient } from '../support/client'

// Every route of the contract gets malformed, missing, wrongly typed and oversized input,
// and must answer 4xx with a message that says what is wrong, never a 5xx.

const PLACEHOLDERS: Record<string, string> = { slug: 'some-community', handle: 'alan', id: 'abc123', userId: 'abc123' }
const fill = (path: string, values: Record<string, string> = {}) =>
  path.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? PLACEHOLDERS[name]!)

interface Property { type?: string | string[], enum?: unknown[], items?: unknown, anyOf?: unknown[], maxLength?: number }

function wrongValues(property: Property): Array<[string, unknown]> {
  const types = ([] as string[]).concat(property.type ?? (property.anyOf as Property[] | undefined)?.flatMap(p => p.type ?? []) ?? [])
  const cases: Array<[string, unknown]> = []
  const tooLong = (property.maxLength ?? 4999) + 1
  if (types.includes('string')) cases.push(['a number instead of text', 12345], [`${tooLong.toLocaleString('en')} characters`, 'x'.repeat(tooLong)])
  if (property.enum) cases.push(['a value not in the list', 'not-an-option'])
  if (types.includes('boolean')) cases.push(['text instead of true/false', 'yes'])
  if (types.includes('array')) cases.push(['text instead of a list', 'not-a-list'], ['a list of 500 entries', Array.from({ length: 500 }, (_, i) => `entry-${i}`)])
  return cases
}

function expectClear4xx(response: { status: number, json: Record<string, any> }, label: string) {
  expect(response.status, label).toBeGreaterThanOrEqual(400)
  expect(response.status, label).toBeLessThan(500)
  expect(typeof response.json?.message, label).toBe('string')
  expect(response.json.message.length, label).toBeGreaterThan(5)
}

let alan: ApiClient
beforeAll(async () => {
  alan = await new ApiClient(inject('baseURL')).signIn('alan')
  // A community that exists, so that only the input under test can be wrong.
  PLACEHOLDERS.slug = (await alan.get('/api/communities?limit=1')).json.items[0].slug
  PLACEHOLDERS.roomId = (await alan.post('/api/rooms/direct', { handles: ['grace'] })).json.id
})

for (const [name, spec] of Object.entries(api) as Array<[string, RouteSpec]>) {
  describe(`${spec.method.toUpperCase()} ${spec.path} (${name})`, () => {
    it('never answers 5xx to a junk query string', async () => {
      const response = await alan.request(spec.method.toUpperCase(), `${fill(spec.path)}?%ZZ=1&limit[]=x&cursor=&q=${'%00'.repeat(3)}`, spec.body ? {} : undefined)
      expect(response.status).toBeLessThan(500)
    })

    if (spec.auth) {
      it('answers 401 without a session', async () => {
        const response = await new ApiClient(inject('baseURL')).request(spec.method.toUpperCase(), fill(spec.path), spec.body ? {} : undefined)
        expect(response.status).toBe(401)
        expect(response.json.message).toMatch(/sign in/i)
      })
    }

    const paramNames = [...spec.path.matchAll(/\{(\w+)\}/g)].map(m => m[1]!)
    for (const param of paramNames) {
      it(`answers 400 naming the ${param} when it is malformed`, async () => {
        const response = await alan.request(spec.method.toUpperCase(), fill(spec.path, { [param]: 'Bad%20Value!!' }), spec.body ? {} : undefined)
        expectClear4xx(response, param)
        expect(response.status).toBe(400)
        expect(Object.keys(response.json.data.fieldErrors)).toContain(param)
      })
    }

    if (spec.query) {
      for (const [label, query] of [['a limit of 0', 'limit=0'], ['a limit that is not a number', 'limit=lots'], ['a limit over 100', 'limit=1000'], ['a garbage cursor', 'cursor=%%%garbage'], ['a 300-character cursor', `cursor=${'c'.repeat(300)}`]]) {
        it(`answers 400 for ${label}`, async () => {
          const response = await alan.get(`${fill(spec.path)}?${query}`)
          expectClear4xx(response, label!)
          expect(response.status).toBe(400)
        })
      }
    }

    if (spec.body) {
      const schema = z.toJSONSchema(spec.body, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, Property>, required?: string[] }
      const send = (body: string) => alan.raw(spec.method.toUpperCase(), fill(spec.path), { body, headers: { 'content-type': 'application/json' } })

      it('answers 400 for a body that is not JSON', async () => {
        const response = await send('{"name": ')
        expectClear4xx(response, 'malformed')
        expect(response.status).toBe(400)
      })
      it('answers 400 for a JSON list instead of an object, and for unknown fields', async () => {
        expect((await send('[1, 2, 3]')).status).toBe(400)
        const unknown = await send(JSON.stringify({ surprise: true }))
        expectClear4xx(unknown, 'unknown field')
        expect(unknown.status).toBe(400)
      })
      it('answers 413 for a body over 64 KiB', async () => {
        const response = await send(JSON.stringify({ name: 'x'.repeat(70 * 1024) }))
        expectClear4xx(response, 'oversized')
        expect(response.status).toBe(413)
      })
      if (schema.required?.length) {
        it(`answers 400 naming each missing field (${schema.required.join(', ')})`, async () => {
          const response = await send('{}')
          expect(response.status).toBe(400)
          for (const field of schema.required!) expect(Object.keys(response.json.data.fieldErrors)).toContain(field)
        })
      }
      for (const [field, property] of Object.entries(schema.properties)) {
        for (const [label, value] of wrongValues(property)) {
          it(`answers 400 naming ${field} when it is ${label}`, async () => {
            const response = await send(JSON.stringify({ [field]: value }))
            expectClear4xx(response, `${field}: ${label}`)
            expect(response.status).toBe(400)
            expect(Object.keys(response.json.data.fieldErrors).some(key => key === field || key.startsWith(`${field}.`))).toBe(true)
          })
        }
      }
    }
  })
}

describe('a path parameter hiding a delimiter', () => {
  // Decoded before routing, `/api/communities/%3F/audit` reached the community list (the fuzzer found it).
  for (const path of ['/api/communities/%3F/audit', '/api/communities/%3f/members', '/api/posts/x%2F..%2F..%2Fcommunities', '/api/groups/a%23b', '/api/users/a%5Cb']) {
    it(`answers 404 for ${path}, never another route`, async () => {
      const response = await alan.get(path)
      expect(response.status).toBe(404)
      expect(response.json.items).toBeUndefined()
    })
  }
})
