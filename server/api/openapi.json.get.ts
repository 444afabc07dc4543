import { defineEventHandler } from 'h3'
import { buildOpenApiDocument } from '../utils/openapi'

export default defineEventHandler(() => buildOpenApiDocument())
