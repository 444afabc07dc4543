import { z } from 'zod'
import { type RouteSpec, api } from '../../shared/api/contract'
import { errorSchema } from '../../shared/schemas/common'

type JsonSchema = Record<string, unknown>

const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema
  return rest
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return []
  const json = schemaOf(schema, 'input') as { properties?: Record<string, JsonSchema>, required?: string[] }
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: property,
  }))
}

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } })

/** The OpenAPI 3.1 document, generated from the same contract the handlers validate with. */
export function buildOpenApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const [operationId, spec] of Object.entries(api) as Array<[string, RouteSpec]>) {
    const status = String(spec.status ?? 200)
    const responses: Record<string, unknown> = {
      [status]: spec.response
        ? { description: 'Success', content: { 'application/json': { schema: schemaOf(spec.response, 'output') } } }
        : { description: 'Success, no content' },
    }
    if (spec.params || spec.query || spec.body) responses['400'] = errorResponse('Invalid input, with the errors of each field')
    if (spec.auth) responses['401'] = errorResponse('Not signed in')
    if (spec.auth && (spec.method !== 'get' || spec.mayForbid)) responses['403'] = errorResponse('Not allowed')
    if (spec.params) responses['404'] = errorResponse('Not found')
    if (spec.method !== 'get') responses['409'] = errorResponse('Conflicts with the current state')
    if (spec.body) responses['413'] = errorResponse('Body too large')
    paths[spec.path] ??= {}
    paths[spec.path]![spec.method] = {
      operationId,
      summary: spec.summary,
      tags: [spec.tag],
      ...(spec.auth ? { security: [{ session: [] }] } : {}),
      parameters: [...parameters(spec.params, 'path'), ...parameters(spec.query, 'query')],
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(spec.body, 'input') } } } } : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'c18n API', version: '0.1.0', description: 'The REST API of c18n. Writes need a signed-in session (the next-auth.session-token cookie).' },
    servers: [{ url: '/' }],
    components: {
      schemas: { Error: schemaOf(errorSchema, 'output') },
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'next-auth.session-token' } },
    },
    paths,
  }
}
