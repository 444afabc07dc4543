import type { Message } from '~~/shared/schemas/chat'

const PAGE = 30

/**
 * A room's messages, one copy of each, oldest first: the newest page server-rendered (loadFirst),
 * older pages on demand, and the newest again after a reconnect. Synchronous, so that the caller
 * can set up the rest of the room before its one await.
 */
export function useRoomHistory(roomId: string) {
  const messages = ref<Message[]>([])
  const older = ref<string | null>(null)
  const loadingOlder = ref(false)
  const params = { roomId }

  function merge(incoming: Message[]) {
    const byId = new Map(messages.value.map(m => [m.id, m]))
    for (const m of incoming) byId.set(m.id, m)
    messages.value = [...byId.values()].sort((a, b) => a.id.localeCompare(b.id))
  }

  /** Call during setup: the first page comes with the server-rendered HTML. */
  async function loadFirst() {
    const { data: first } = await useApiData('roomMessages', { key: `room:${roomId}`, params, query: { limit: PAGE } })
    if (first.value) {
      merge(first.value.items)
      older.value = first.value.nextCursor
    }
  }

  async function loadOlder() {
    if (!older.value || loadingOlder.value) return
    loadingOlder.value = true
    const page = await apiFetch('roomMessages', { params, query: { limit: PAGE, cursor: older.value } }).catch(() => null)
    loadingOlder.value = false
    if (!page) return
    merge(page.items)
    older.value = page.nextCursor
  }

  async function reloadLatest() {
    const page = await apiFetch('roomMessages', { params, query: { limit: PAGE } }).catch(() => null)
    if (page) merge(page.items)
  }

  const byId = computed(() => new Map(messages.value.map(m => [m.id, m])))
  return { messages, byId, older, loadingOlder, merge, loadFirst, loadOlder, reloadLatest }
}
