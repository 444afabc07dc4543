// Draws the app's icons (the sizes browsers and phones ask for) from one SVG with sharp.
// Run `node scripts/make-icons.mjs` after changing the drawing; the PNGs are committed in public/icons.
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons')
const ACCENT = '#3b4cca'

/** Two speech bubbles on the accent colour; `inset` is the share of the side left around them. */
function drawing({ inset, rounded }) {
  const size = 512
  const pad = size * inset
  const s = (size - 2 * pad) / 512
  const at = (x, y) => `${pad + x * s},${pad + y * s}`
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <rect width="${size}" height="${size}" rx="${rounded ? 96 : 0}" fill="${ACCENT}"/>
  <path d="M${at(96, 120)} h${220 * s} a${40 * s},${40 * s} 0 0 1 ${40 * s},${40 * s} v${110 * s} a${40 * s},${40 * s} 0 0 1 -${40 * s},${40 * s} h-${120 * s} l-${70 * s},${60 * s} v-${60 * s} h-${30 * s} a${40 * s},${40 * s} 0 0 1 -${40 * s},-${40 * s} v-${110 * s} a${40 * s},${40 * s} 0 0 1 ${40 * s},-${40 * s} z" fill="#ffffff"/>
  <path d="M${at(396, 250)} h${20 * s} a${40 * s},${40 * s} 0 0 1 ${40 * s},${40 * s} v${90 * s} a${40 * s},${40 * s} 0 0 1 -${40 * s},${40 * s} h-${10 * s} v${50 * s} l-${60 * s},-${50 * s} h-${100 * s} a${40 * s},${40 * s} 0 0 1 -${40 * s},-${40 * s} v-${20 * s} h${100 * s} a${40 * s},${40 * s} 0 0 0 ${40 * s},-${40 * s} z" fill="#c9cef5"/>
</svg>`
}

const icons = [
  { name: 'icon-64.png', size: 64, inset: 0.06, rounded: true },
  { name: 'icon-192.png', size: 192, inset: 0.06, rounded: true },
  { name: 'icon-512.png', size: 512, inset: 0.06, rounded: true },
  // Maskable: full bleed, the drawing inside the central safe circle (80 % of the side).
  { name: 'maskable-512.png', size: 512, inset: 0.16, rounded: false },
  { name: 'apple-touch-icon-180.png', size: 180, inset: 0.1, rounded: false },
]

mkdirSync(out, { recursive: true })
for (const icon of icons) {
  await sharp(Buffer.from(drawing(icon))).resize(icon.size, icon.size).png({ compressionLevel: 9 }).toFile(join(out, icon.name))
}
console.log(`wrote ${icons.length} icons to ${out}`)
