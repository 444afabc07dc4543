import { z } from 'zod'

/** A URL-safe lowercase identifier used in addresses (/u/<handle>, /c/<slug>). */
export const slugSchema = z
  .string()
  .trim()
  .min(3, 'must be at least 3 characters')
  .max(40, 'must be at most 40 characters')
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'use lowercase letters, digits and single dashes')

export const idSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'not a valid id')

/** Interests and topics: short lowercase tags. */
export const tagSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'must be at least 2 characters')
  .max(30, 'must be at most 30 characters')
  .regex(/^[a-z0-9][a-z0-9 -]*$/, 'use letters, digits, spaces and dashes')

export const tagListSchema = z.array(tagSchema).max(12, 'at most 12 entries').default([])

/** The opaque cursor a list gave out as its nextCursor: always base64url. */
export const cursorSchema = z.string().max(200).regex(/^[A-Za-z0-9_-]*$/, 'not a cursor this API gave out')

export const pageQuerySchema = z.object({
  cursor: cursorSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  q: z.string().trim().max(100).optional(),
})
export type PageQuery = z.infer<typeof pageQuerySchema>

/** Every list answers with one page and the cursor of the next, or null at the end. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() })
}
export interface Page<T> { items: T[], nextCursor: string | null }

export const errorSchema = z.object({
  /** Nitro's error responses also say that they are one, and for which address. */
  error: z.boolean().optional(),
  url: z.string().optional(),
  statusCode: z.number().int(),
  statusMessage: z.string(),
  message: z.string(),
  data: z.object({ fieldErrors: z.record(z.string(), z.array(z.string())).optional() }).optional(),
})
