import { z } from 'zod'
import { idSchema } from './common'

/** At most this many files on one post, reply or message. */
export const MAX_ATTACHMENTS = 10

/**
 * The image types the worker turns into renditions. SVG is not among them: it is a document
 * that can carry script, not a picture.
 */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif'] as const
export type ImageType = typeof IMAGE_TYPES[number]

/**
 * A file's name as the person's device gave it, shown beside the file and never used as a
 * storage key: no path separators, no '..', no control or bidirectional-override characters.
 */
export const filenameSchema = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters')
  // eslint-disable-next-line no-control-regex
  .refine(name => !/[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/.test(name), 'must not contain control characters')
  .refine(name => !/[/\\]/.test(name) && !name.split('.').every(part => part === '') && !name.includes('..'), 'must be a plain file name, without a path')

export const uploadRequestSchema = z.object({
  filename: filenameSchema,
  contentType: z.enum(IMAGE_TYPES, 'must be a JPEG, PNG, WebP, GIF or AVIF image'),
  /** Bytes, as the browser's File says; the upload may not be larger, the confirm checks it is exactly this. */
  size: z.number().int().min(1, 'must not be empty'),
}).strict()
export type UploadRequest = z.infer<typeof uploadRequestSchema>

export const MEDIA_STATES = ['pending', 'processing', 'ready', 'rejected'] as const

/** One attached file as a post or message shows it. */
export const attachmentSchema = z.object({
  id: z.string(),
  filename: z.string(),
  /** pending: not uploaded yet; processing: uploaded, renditions coming; rejected: the worker refused it. */
  status: z.enum(MEDIA_STATES),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** A blurhash of the image, shown while the renditions load. */
  blurhash: z.string().nullable(),
  /** App routes that check the reader may read the content, then serve or redirect to a short-lived URL. */
  smallUrl: z.string().nullable(),
  largeUrl: z.string().nullable(),
  reason: z.string().nullable(),
})
export type Attachment = z.infer<typeof attachmentSchema>

/** Where the browser sends the bytes: a presigned S3 PUT, or the app's own upload route in embedded mode. */
export const uploadTicketSchema = z.object({
  media: attachmentSchema,
  upload: z.object({
    method: z.literal('PUT'),
    url: z.string(),
    /** Headers the PUT must carry exactly. */
    headers: z.record(z.string(), z.string()),
    expiresAt: z.string(),
    maxBytes: z.number().int(),
  }),
})
export type UploadTicket = z.infer<typeof uploadTicketSchema>

/** Your uploads with their sizes, and how much of your quota they use. */
export const mediaUsageSchema = z.object({
  items: z.array(attachmentSchema.extend({
    size: z.number().int(),
    createdAt: z.string(),
    /** What it is on: a post or a chat message, or nothing yet. */
    attachedTo: z.object({ kind: z.enum(['post', 'message']), id: z.string() }).nullable(),
  })),
  usedBytes: z.number().int(),
  quotaBytes: z.number().int(),
})
export type MediaUsage = z.infer<typeof mediaUsageSchema>

export const mediaParamsSchema = z.object({ id: idSchema })
export const mediaQuerySchema = z.object({ size: z.enum(['small', 'large']).default('large') }).strict()

/** Attachment ids on a new post, reply or message: distinct, at most MAX_ATTACHMENTS. */
export const attachmentIdsSchema = z.array(idSchema).max(MAX_ATTACHMENTS, `at most ${MAX_ATTACHMENTS} files`)
  .refine(ids => new Set(ids).size === ids.length, 'each file only once')
