// The reference ceiling for bench:realtime: a bare broadcast server on the plain `ws` package, with
// the same frames as c18n's (subscribe, send → event to everyone in the room) and nothing else.
import { WebSocketServer } from 'ws'

const rooms = new Map()
const server = new WebSocketServer({ host: '127.0.0.1', port: Number(process.env.PORT) })
let seq = 0
server.on('connection', (socket) => {
  socket.send(JSON.stringify({ type: 'hello' }))
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data))
    if (frame.type === 'subscribe') {
      if (!rooms.has(frame.room)) rooms.set(frame.room, new Set())
      rooms.get(frame.room).add(socket)
      socket.send(JSON.stringify({ type: 'subscribed', room: frame.room, ref: frame.ref }))
    }
    else if (frame.type === 'send') {
      const text = JSON.stringify({ type: 'event', kind: 'message.sent', room: frame.room, seq: ++seq, payload: { message: { body: frame.body } } })
      for (const peer of rooms.get(frame.room) ?? []) peer.send(text)
      socket.send(JSON.stringify({ type: 'ack', ref: frame.ref }))
    }
  })
  socket.on('close', () => { for (const members of rooms.values()) members.delete(socket) })
})
server.on('listening', () => console.log('listening'))
