const online = ref(true)
let listening = false

/** Whether the browser has a network connection, kept current by its online/offline events (true on the server). */
export function useOnline(): Readonly<Ref<boolean>> {
  if (import.meta.client && !listening) {
    listening = true
    online.value = navigator.onLine
    window.addEventListener('online', () => { online.value = true })
    window.addEventListener('offline', () => { online.value = false })
  }
  return readonly(online)
}
