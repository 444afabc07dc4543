/** The caches the service worker fills with what one person read (nuxt.config.ts, pwa.workbox.runtimeCaching). */
export const PERSONAL_CACHES = ['c18n-pages', 'c18n-api'] as const

/** The IndexedDB database holding the writes made offline (app/utils/outbox.ts). */
export const OUTBOX_DB = 'c18n-outbox'

/** localStorage key naming whose reading the caches hold, so another person never sees it. */
export const OWNER_KEY = 'c18n:offline-owner'

/**
 * Forgets everything kept on this device for the person: the pages and API answers they read and
 * their unsent writes. Called on sign-out and when another person signs in.
 */
export async function clearOfflineData(): Promise<void> {
  if (typeof caches !== 'undefined') await Promise.all(PERSONAL_CACHES.map(name => caches.delete(name)))
  if (typeof indexedDB !== 'undefined') {
    await new Promise<void>((resolve) => {
      const request = indexedDB.deleteDatabase(OUTBOX_DB)
      // A blocked delete (another tab holds it open) completes once that tab lets go; do not wait for it.
      request.onsuccess = request.onerror = request.onblocked = () => resolve()
    })
  }
}

/**
 * Whether the saved data belongs to someone other than `current` (a user id, or null when signed
 * out) and must go. The first owner seen simply claims an empty device.
 */
export function ownerChanged(stored: string | null, current: string | null): boolean {
  return stored !== null && stored !== current
}
