/** Pages that need a user send everybody else to sign in, and back afterwards. */
export default defineNuxtRouteMiddleware((to) => {
  const { status } = useAuth()
  if (status.value !== 'authenticated') return navigateTo({ path: '/signin', query: { callbackUrl: to.fullPath } })
})
