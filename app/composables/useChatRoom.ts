import type { Message, Room } from '~~/shared/schemas/chat'
import type { LiveEvent } from '~~/shared/realtime/protocol'

/** What the room needs from the message list on screen: whether the reader is at the end, and going there. */
export interface RoomScroller {
  nearBottom: () => boolean
  scrollToEnd: () => void
}

/**
 * The state of one chat room: its messages (history and the live reducer), who is online and
 * typing, the draft and the writes (send, edit, delete, react). The page shows it; this holds it.
 */
export async function useChatRoom(room: Room, scroller: () => RoomScroller | null) {
  const { user } = useCurrentUser()
  const live = useLiveConnection()
  // Everything that hooks into the component comes before the one await (Vue loses the
  // component after an await inside a composable).
  const history = useRoomHistory(room.id)
  const { typingNames, heard, stopped, typed, sent } = useRoomTyping(room.id)
  const { merge, byId, reloadLatest } = history
  const online = ref<string[]>([])
  const draft = ref('')
  const replyTo = ref<Message | null>(null)
  const { pending, error, run } = useApiAction()
  const outbox = useOutbox()
  const params = { roomId: room.id }
  const markRead = () => live?.notify({ type: 'read', room: room.id })

  function apply(event: LiveEvent) {
    const id = eventMessageId(event)
    const stick = scroller()?.nearBottom() ?? true
    const next = messageAfter(event, id ? byId.value.get(id) : undefined, user.value?.id)
    if (!next) return
    merge([next])
    if (event.kind !== 'message.sent') return
    if (stick) scroller()?.scrollToEnd()
    stopped(next.author.id)
    markRead()
  }

  useLiveRoom(() => room.id, {
    event: apply,
    subscribed: () => reloadLatest(),
    reset: () => reloadLatest(),
    presence: ids => (online.value = ids),
    typing: (who) => {
      if (who.userId !== user.value?.id) heard(who)
    },
  })

  onMounted(() => {
    scroller()?.scrollToEnd()
    markRead()
    apiFetch('markRoomRead', { params }).catch(() => {})
  })

  await history.loadFirst()

  /** Over the live connection when it is open, over HTTP otherwise: the same write either way. */
  async function send() {
    const body = draft.value.trim()
    if (!body) return
    const parentId = replyTo.value?.id ?? null
    // The box empties as the message leaves, not when the ack returns: others may see the
    // message (and the writer may start the next one) before the acknowledgement arrives.
    draft.value = ''
    sent()
    // Offline, the message waits in the outbox and goes over HTTP when the connection returns;
    // the live room then delivers it like any other. While earlier ones still wait, it queues
    // behind them, so messages keep the order they were written in.
    const place = `room:${room.id}`
    if (import.meta.client && (!navigator.onLine || outbox.waitingIn(place))) {
      await outbox.enqueue({ route: 'sendMessage', params: { roomId: room.id }, body: { body, parentId }, place, label: `Message “${body.slice(0, 40)}”` })
      if (replyTo.value?.id === parentId) replyTo.value = null
      return
    }
    const message = await run(async () => {
      if (live?.status.value === 'open') return (await live.call({ type: 'send', room: room.id, body, parentId })).message as Message
      return apiFetch('sendMessage', { params, body: { body, parentId } })
    })
    if (!message) {
      // Refused or lost: the words come back unless a new draft has begun.
      if (!draft.value) draft.value = body
      return
    }
    merge([message])
    if (replyTo.value?.id === parentId) replyTo.value = null
    scroller()?.scrollToEnd()
  }

  async function edit(message: Message, body: string) {
    const next = await run(() => apiFetch('editMessage', { params: { id: message.id }, body: { body } }))
    if (next) merge([next])
  }
  async function remove(message: Message) {
    if ((await run(() => apiFetch('deleteMessage', { params: { id: message.id } }))) !== undefined) merge([asDeleted(message)])
  }
  async function react(message: Message, kind: string, on: boolean) {
    const reaction = kind as ParamsOf<'unreactMessage'>['kind']
    const next = await run(() => on
      ? apiFetch('reactMessage', { params: { id: message.id }, body: { kind: reaction } })
      : apiFetch('unreactMessage', { params: { id: message.id, kind: reaction } }))
    if (next) merge([next])
  }

  return {
    user, live, online, typingNames, typed, draft, replyTo, pending, error,
    messages: history.messages, byId, older: history.older, loadingOlder: history.loadingOlder, loadOlder: history.loadOlder,
    send, edit, remove, react,
  }
}
