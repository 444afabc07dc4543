/** How long "is typing" shows after the last typing signal, and how often one's own is sent. */
const SHOWN_MS = 4000
const SEND_EVERY_MS = 2000

/** Who else is typing in a room (with a clock that lets the names fade), and one's own signal. */
export function useRoomTyping(roomId: string) {
  const live = useLiveConnection()
  const typing = ref<Map<string, { name: string, until: number }>>(new Map())
  const now = ref(Date.now())

  function heard(who: { userId: string, name: string }) {
    typing.value.set(who.userId, { name: who.name, until: Date.now() + SHOWN_MS })
    typing.value = new Map(typing.value)
  }
  /** Someone's message arrived: they are no longer typing it. */
  function stopped(userId: string) {
    typing.value.delete(userId)
  }

  let typedAt = 0
  function typed() {
    if (Date.now() - typedAt < SEND_EVERY_MS) return
    typedAt = Date.now()
    live?.notify({ type: 'typing', room: roomId })
  }
  /** After a send the next keystroke signals again at once. */
  function sent() {
    typedAt = 0
  }

  let ticker: ReturnType<typeof setInterval> | undefined
  onMounted(() => (ticker = setInterval(() => (now.value = Date.now()), 1000)))
  onBeforeUnmount(() => clearInterval(ticker))

  const typingNames = computed(() => [...typing.value.values()].filter(t => t.until > now.value).map(t => t.name))
  return { typingNames, heard, stopped, typed, sent }
}
