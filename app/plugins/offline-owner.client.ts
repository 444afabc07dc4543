import { OWNER_KEY, clearOfflineData, ownerChanged } from '~/utils/offline-data'

/**
 * Pages and API answers cached for offline reading belong to the person who read them: when they
 * sign out, or someone else signs in on this device, the caches and the outbox are emptied.
 * An offline session check proves nothing (the session cannot be asked), so nothing is cleared then.
 */
export default defineNuxtPlugin(() => {
  const { user } = useCurrentUser()
  const { status } = useAuth()
  watch([() => user.value?.id ?? null, status], async ([id, state]) => {
    if (state === 'loading' || !navigator.onLine) return
    const stored = localStorage.getItem(OWNER_KEY)
    if (ownerChanged(stored, id)) await clearOfflineData()
    if (id) localStorage.setItem(OWNER_KEY, id)
    else localStorage.removeItem(OWNER_KEY)
  }, { immediate: true })
})
