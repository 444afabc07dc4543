import sharp from 'sharp'
import { fileTypeFromBuffer } from 'file-type'
import { encode } from 'blurhash'
import { IMAGE_TYPES } from '../../shared/schemas/media'
import type { MediaSettings } from './settings'

export interface Renditions {
  width: number
  height: number
  blurhash: string
  detectedType: string
  small: Uint8Array
  large: Uint8Array
}

export type ProcessResult = { ok: true, renditions: Renditions } | { ok: false, reason: string }

const ALLOWED = new Set<string>(IMAGE_TYPES)
// Each decode is bounded: a file that claims more pixels than this is refused before it is decoded.
const options = (maxPixels: number) => ({ limitInputPixels: maxPixels, failOn: 'error' as const })

/**
 * An upload's bytes into what the app serves: the type is what the bytes say (not the name or
 * the header), the pixel count is bounded, and the renditions are re-encoded WebP, which carries
 * no EXIF, GPS or other metadata (sharp writes none unless asked). Orientation is applied first,
 * so that stripping it does not turn the picture.
 */
export async function processImage(bytes: Uint8Array, settings: Pick<MediaSettings, 'maxPixels' | 'smallSide' | 'largeSide'>): Promise<ProcessResult> {
  const type = await fileTypeFromBuffer(bytes)
  // SVG is text, so file-type never names it: it is refused with anything else it cannot place.
  if (!type) return { ok: false, reason: 'The file is not an image we recognise (SVG and other documents are not accepted)' }
  if (!ALLOWED.has(type.mime)) return { ok: false, reason: `The file is ${type.mime}, not a JPEG, PNG, WebP, GIF or AVIF image` }
  const input = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  try {
    // The header alone, not decoded: its size is checked before anything is.
    const meta = await sharp(input, { limitInputPixels: false }).metadata()
    if (!meta.width || !meta.height) return { ok: false, reason: 'The image has no size' }
    if (meta.width * meta.height > settings.maxPixels) return { ok: false, reason: `The image is ${meta.width}×${meta.height} pixels, more than the limit of ${settings.maxPixels}` }
    // Orientations 5 to 8 turn the picture a quarter: its shown width is its stored height.
    const turned = (meta.orientation ?? 1) >= 5
    const width = turned ? meta.height : meta.width
    const height = turned ? meta.width : meta.height
    const oriented = () => sharp(input, options(settings.maxPixels)).rotate()
    const [small, large, tiny] = await Promise.all([
      oriented().resize(settings.smallSide, settings.smallSide, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 78 }).toBuffer(),
      oriented().resize(settings.largeSide, settings.largeSide, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 82 }).toBuffer(),
      oriented().resize(32, 32, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true }),
    ])
    const blurhash = encode(new Uint8ClampedArray(tiny.data), tiny.info.width, tiny.info.height, 4, 3)
    return { ok: true, renditions: { width, height, blurhash, detectedType: type.mime, small: new Uint8Array(small), large: new Uint8Array(large) } }
  }
  catch (error) {
    const message = (error as Error).message
    if (/pixel limit/i.test(message)) return { ok: false, reason: `The image has more pixels than the limit of ${settings.maxPixels}` }
    return { ok: false, reason: `The image could not be read: ${message.split('\n')[0]!.slice(0, 200)}` }
  }
}
