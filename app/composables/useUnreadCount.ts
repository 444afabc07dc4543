/** The signed-in user's unread notification count, shared by the header and the notifications page. */
export function useUnreadCount() {
  return useState<number>('unread-count', () => 0)
}

/** Loads the count for the header; the live updates of the real-time issue will push it. */
export async function loadUnreadCount() {
  const unread = useUnreadCount()
  const result = await apiFetch('unreadCount', { headers: useRequestHeaders(['cookie']) }).catch(() => null)
  if (result) unread.value = result.unread
}
