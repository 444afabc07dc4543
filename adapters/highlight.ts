const START = '\u0001'
const END = '\u0002'
export const HIGHLIGHT_START = START
export const HIGHLIGHT_END = END

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&#39;' })[ch]!)
}

/** Turns a fragment with sentinel-marked matches into escaped HTML with <mark> around the matches. */
export function markHighlights(fragment: string, start = START, end = END): string {
  return escapeHtml(fragment).replaceAll(escapeHtml(start), '<mark>').replaceAll(escapeHtml(end), '</mark>')
}

/** Splits user text into search words, dropping everything that could be query syntax. */
export function searchWords(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 20)
}
