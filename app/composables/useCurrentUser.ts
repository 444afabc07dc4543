export interface SessionUser { id: string, handle: string, name: string, image: string | null, role: 'user' | 'admin' }

/** The signed-in user from the session, or null. */
export function useCurrentUser() {
  const { data, status } = useAuth()
  const user = computed(() => (data.value?.user as SessionUser | undefined) ?? null)
  return { user, signedIn: computed(() => status.value === 'authenticated' && !!user.value) }
}
