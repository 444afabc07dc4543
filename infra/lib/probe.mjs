// Dependency-free health probes used by infra/stack.sh (works on Node 18+).
//   node probe.mjs kafka 127.0.0.1:9092   -> Metadata v4 request; healthy when a broker and a controller are known
//   node probe.mjs mongo 127.0.0.1:27017  -> OP_MSG {ping: 1}; healthy when ok == 1
import net from 'node:net'

const [kind, address] = process.argv.slice(2)
const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))]

function exchange(request, isComplete) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    let data = Buffer.alloc(0)
    socket.setTimeout(3000, () => socket.destroy(new Error('timeout')))
    socket.on('connect', () => socket.write(request))
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk])
      if (isComplete(data)) {
        socket.end()
        resolve(data)
      }
    })
    socket.on('error', reject)
    socket.on('close', () => reject(new Error('connection closed')))
  })
}

const int32Framed = buf => buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)

async function kafka() {
  const clientId = Buffer.from('c18n-probe')
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 1)
  let o = 0
  o = body.writeInt16BE(3, o) // Metadata
  o = body.writeInt16BE(4, o) // v4: still served by Kafka 4 (KIP-896 dropped v0-v3)
  o = body.writeInt32BE(1, o) // correlation id
  o = body.writeInt16BE(clientId.length, o)
  o += clientId.copy(body, o)
  o = body.writeInt32BE(-1, o) // all topics
  body.writeInt8(0, o) // no auto topic creation
  const size = Buffer.alloc(4)
  size.writeInt32BE(body.length)
  const res = await exchange(Buffer.concat([size, body]), int32Framed)
  let p = 4 + 4 + 4 // size, correlation id, throttle time
  const brokers = res.readInt32BE(p)
  p += 4
  for (let i = 0; i < brokers; i++) {
    p += 4
    p += 2 + res.readInt16BE(p) // host
    p += 4
    const rack = res.readInt16BE(p)
    p += 2 + Math.max(rack, 0)
  }
  const clusterId = res.readInt16BE(p)
  p += 2 + Math.max(clusterId, 0)
  const controller = res.readInt32BE(p)
  if (brokers < 1 || controller < 0) throw new Error(`brokers=${brokers} controller=${controller}`)
}

function bsonPing() {
  const ping = Buffer.concat([Buffer.from([0x10]), Buffer.from('ping\0'), Buffer.from([1, 0, 0, 0])])
  const db = Buffer.from('admin\0')
  const dbLen = Buffer.alloc(4)
  dbLen.writeInt32LE(db.length)
  const dbElem = Buffer.concat([Buffer.from([0x02]), Buffer.from('$db\0'), dbLen, db])
  const doc = Buffer.concat([Buffer.alloc(4), ping, dbElem, Buffer.from([0])])
  doc.writeInt32LE(doc.length)
  return doc
}

async function mongo() {
  const doc = bsonPing()
  const header = Buffer.alloc(16 + 4 + 1)
  header.writeInt32LE(header.length + doc.length, 0)
  header.writeInt32LE(1, 4) // request id
  header.writeInt32LE(0, 8)
  header.writeInt32LE(2013, 12) // OP_MSG
  header.writeUInt32LE(0, 16) // flags
  header.writeUInt8(0, 20) // section kind 0: body
  const res = await exchange(Buffer.concat([header, doc]), b => b.length >= 4 && b.length >= b.readInt32LE(0))
  const reply = res.subarray(21)
  const okKey = reply.indexOf(Buffer.from('ok\0'))
  if (okKey < 1) throw new Error('no ok field in reply')
  const type = reply[okKey - 1]
  const at = okKey + 3
  const ok = type === 0x01 ? reply.readDoubleLE(at) : type === 0x10 ? reply.readInt32LE(at) : type === 0x08 ? reply[at] : 0
  if (ok !== 1) throw new Error(`ok=${ok}`)
}

try {
  await ({ kafka, mongo })[kind]()
  process.exit(0)
}
catch (error) {
  if (process.env.C18N_PROBE_VERBOSE) console.error(`${kind} ${address}: ${error.message}`)
  process.exit(1)
}
