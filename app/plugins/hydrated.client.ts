/** Marks the page once Vue has taken over the server-rendered HTML (end-to-end tests wait for it). */
export default defineNuxtPlugin((nuxtApp) => {
  nuxtApp.hook('app:suspense:resolve', () => {
    document.documentElement.dataset.hydrated = 'true'
  })
})
