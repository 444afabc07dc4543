/** Limits and lifetimes of media, from the environment; each has a default that suits a demo. */
export interface MediaSettings {
  /** Largest file accepted, in bytes (C18N_MEDIA_MAX_BYTES, default 15 MiB). */
  maxBytes: number
  /** Most pixels an image may decode to (C18N_MEDIA_MAX_PIXELS, default 40 million): more is a decompression bomb. */
  maxPixels: number
  /** How long an upload ticket (the presigned PUT) is valid and the upload may be confirmed (C18N_MEDIA_UPLOAD_SECONDS, default 900). */
  uploadSeconds: number
  /** How long a presigned GET of a rendition is valid (C18N_MEDIA_READ_SECONDS, default 60). */
  readSeconds: number
  /** Bytes of uploads one person may keep, all files together (C18N_MEDIA_QUOTA_BYTES, default 500 MiB). */
  quotaBytes: number
  /** The long side of the renditions, in pixels. */
  smallSide: number
  largeSide: number
}

const positive = (value: string | undefined, fallback: number) => {
  const n = Number(value)
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback
}

export function mediaSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): MediaSettings {
  return {
    maxBytes: positive(env.C18N_MEDIA_MAX_BYTES, 15 * 1024 * 1024),
    maxPixels: positive(env.C18N_MEDIA_MAX_PIXELS, 40_000_000),
    uploadSeconds: positive(env.C18N_MEDIA_UPLOAD_SECONDS, 900),
    readSeconds: positive(env.C18N_MEDIA_READ_SECONDS, 60),
    quotaBytes: positive(env.C18N_MEDIA_QUOTA_BYTES, 500 * 1024 * 1024),
    smallSide: 480,
    largeSide: 1600,
  }
}
