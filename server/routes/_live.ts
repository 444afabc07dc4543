import type { Peer } from 'crossws'
import { newRequestId, withRequestId } from '../../core/observability/request-context'
import { LiveHub } from '../utils/live-hub'
import { allowFrame } from '../utils/security'
import { actorOfUpgrade, originAllowed } from '../utils/live-session'
import { useDomain } from '../utils/domain'
import { MAX_FRAME_BYTES } from '../../shared/realtime/protocol'

type Connection = ReturnType<LiveHub['open']>

let hub: Promise<LiveHub> | null = null
function useHub() {
  hub ??= useDomain().then(async (domain) => {
    const made = new LiveHub(domain, allowFrame)
    // Listening for ended sessions before the first connection opens: none slips through.
    await made.ready()
    return made
  }).catch((error) => {
    // Not listening yet: the next connection tries again rather than inheriting the failure.
    hub = null
    throw error
  })
  return hub
}
const connections = new WeakMap<Peer, Promise<Connection>>()

/** The one websocket endpoint: chat, live posts and counts, notifications. See shared/realtime/protocol.ts. */
export default defineWebSocketHandler({
  async upgrade(request) {
    if (!originAllowed(request as Request)) throw new Response('This origin may not open a live connection', { status: 403 })
    const who = await actorOfUpgrade(request.headers, await useDomain())
    // crossws hands this context to the peer it opens.
    Object.assign(request.context!, { actor: who?.actor ?? null, name: who?.name ?? '', sessionVersion: who?.sessionVersion ?? 0, sessionId: who?.sessionId ?? null, origin: new URL(request.url).origin })
  },
  open(peer) {
    const opening = useHub().then(h => h.open(
      { send: text => peer.send(text), close: (code, reason) => peer.close(code, reason) },
      (peer.context.actor as Connection['actor']) ?? null,
      String(peer.context.name ?? ''),
      peer.remoteAddress ?? '',
      Number(peer.context.sessionVersion ?? 0),
      typeof peer.context.sessionId === 'string' ? peer.context.sessionId : null,
      String(peer.context.origin ?? ''),
    ))
    connections.set(peer, opening)
  },
  async message(peer, message) {
    const connection = await connections.get(peer)
    if (!connection) return
    const raw = message.rawData as ArrayBuffer | Buffer | string
    const size = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.byteLength
    if (size > MAX_FRAME_BYTES) return peer.close(1009, `frame too large: at most ${MAX_FRAME_BYTES / 1024} KiB`)
    const hub = await useHub()
    // Each frame is a request of its own: the events it publishes carry a fresh request id.
    await withRequestId(newRequestId(), () => hub.receive(connection, message.text()))
  },
  async close(peer) {
    const connection = await connections.get(peer)
    connections.delete(peer)
    if (connection) await (await useHub()).close(connection)
  },
})
