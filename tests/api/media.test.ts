import sharp from 'sharp'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { ApiClient } from '../support/client'
import { eventually } from '../contract/suites/wait'

const baseURL = () => inject('baseURL')
const uniqueSlug = (prefix: string) => `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`

let grace: ApiClient
let alan: ApiClient
let katherine: ApiClient
let slug: string

/** A photo with a camera name in its EXIF, made here (no binary fixtures). */
const photo = async (width = 320, height = 240) => new Uint8Array(await sharp({ create: { width, height, channels: 3, background: { r: 30, g: 120, b: 200 } } })
  .jpeg().withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Pocket 9' } }).toBuffer())

/** The bytes to where the ticket says, as the browser does (the session cookie, this site's origin). */
async function put(client: ApiClient, url: string, body: Uint8Array<ArrayBuffer>, contentType = 'image/jpeg') {
  const response = await fetch(new URL(url, baseURL()), { method: 'PUT', body, headers: { 'content-type': contentType, 'origin': baseURL(), 'cookie': client.cookieHeader } })
  return { status: response.status, text: await response.text() }
}

async function get(client: ApiClient | null, url: string) {
  const response = await fetch(new URL(url, baseURL()), { redirect: 'manual', headers: client ? { cookie: client.cookieHeader } : {} })
  return { status: response.status, headers: response.headers, body: new Uint8Array(await response.arrayBuffer()) }
}

/** A ticket, the upload and the confirm: the file a post may then carry. */
async function uploaded(client: ApiClient, bytes: Uint8Array<ArrayBuffer>, filename = 'harbour.jpg') {
  const ticket = await client.post('/api/media/uploads', { filename, contentType: 'image/jpeg', size: bytes.length })
  expect(ticket.status, ticket.text).toBe(201)
  expect((await put(client, ticket.json.upload.url, bytes)).status).toBe(204)
  const confirmed = await client.post(`/api/media/${ticket.json.media.id}/confirm`)
  expect(confirmed.status, confirmed.text).toBe(200)
  return ticket.json.media.id as string
}

beforeAll(async () => {
  const clients = await Promise.all(['grace', 'alan', 'katherine'].map(h => new ApiClient(baseURL()).signIn(h)))
  ;[grace, alan, katherine] = clients as [ApiClient, ApiClient, ApiClient]
  slug = uniqueSlug('darkroom')
  expect((await grace.post('/api/communities', { name: 'Darkroom', slug, topics: ['photos'], visibility: 'private' })).status).toBe(201)
  expect((await grace.post(`/api/communities/${slug}/members`, { handle: 'alan' })).status).toBe(201)
})

describe('media on posts', () => {
  it('uploads a photo, attaches it, serves renditions without EXIF to members only, and removes them with the post', async () => {
    const id = await uploaded(alan, await photo())
    const post = await alan.post(`/api/communities/${slug}/posts`, { title: 'Morning light', body: 'From the pier', attachments: [id] })
    expect(post.status, post.text).toBe(201)
    expect(post.json.attachments).toMatchObject([{ id, filename: 'harbour.jpg' }])
    await eventually(async () => expect((await grace.get(`/api/posts/${post.json.id}`)).json.attachments[0]).toMatchObject({ status: 'ready', width: 320, height: 240, blurhash: expect.any(String) }), 15_000)
    const { largeUrl, smallUrl } = (await grace.get(`/api/posts/${post.json.id}`)).json.attachments[0]
    const large = await get(grace, largeUrl)
    expect(large.status).toBe(200)
    expect(large.headers.get('content-type')).toBe('image/webp')
    expect(large.headers.get('cache-control')).toContain('private')
    const meta = await sharp(large.body).metadata()
    expect(meta).toMatchObject({ format: 'webp', width: 320, height: 240 })
    expect(meta.exif).toBeUndefined()
    expect((await get(alan, smallUrl)).status).toBe(200)
    // Not a member of the private community, or not signed in: nothing there.
    expect((await get(katherine, largeUrl)).status).toBe(404)
    expect((await get(null, smallUrl)).status).toBe(404)

    expect((await alan.delete(`/api/posts/${post.json.id}`)).status).toBe(204)
    expect((await get(grace, largeUrl)).status).toBe(404)
    expect((await grace.get(`/api/posts/${post.json.id}`)).json.attachments).toEqual([])
  })

  it('lists your uploads with their sizes, what they are on, and your quota', async () => {
    const bytes = await photo(100, 100)
    const id = await uploaded(katherine, bytes, 'listed.jpg')
    const usage = await katherine.get('/api/me/media')
    expect(usage.status).toBe(200)
    expect(usage.json.items.find((item: { id: string }) => item.id === id)).toMatchObject({ filename: 'listed.jpg', size: bytes.length, attachedTo: null })
    expect(usage.json.usedBytes).toBeGreaterThanOrEqual(bytes.length)
    expect(usage.json.quotaBytes).toBe(500 * 1024 * 1024)
    expect((await grace.get('/api/me/media')).json.items.some((item: { id: string }) => item.id === id)).toBe(false)
  })

  it('attaches files to a reply too', async () => {
    const root = (await grace.post(`/api/communities/${slug}/posts`, { title: 'Show your boats', body: 'Replies with photos welcome' })).json
    const id = await uploaded(alan, await photo(200, 200), 'boat.jpg')
    const reply = await alan.post(`/api/posts/${root.id}/replies`, { body: 'Mine', attachments: [id] })
    expect(reply.status, reply.text).toBe(201)
    expect(reply.json.attachments.map((a: { id: string }) => a.id)).toEqual([id])
  })
})

describe('media in chat', () => {
  it('sends a photo in a direct conversation: the participants see it, nobody else, and it goes with the message', async () => {
    const room = await grace.post('/api/rooms/direct', { handles: ['alan'] })
    expect(room.status, room.text).toBe(201)
    const id = await uploaded(grace, await photo(), 'chart.jpg')
    const sent = await grace.post(`/api/rooms/${encodeURIComponent(room.json.id)}/messages`, { body: 'The new chart', attachments: [id] })
    expect(sent.status, sent.text).toBe(201)
    expect(sent.json.attachments).toMatchObject([{ id, filename: 'chart.jpg' }])
    await eventually(async () => {
      const history = (await alan.get(`/api/rooms/${encodeURIComponent(room.json.id)}/messages`)).json.items
      expect(history.find((m: { id: string }) => m.id === sent.json.id).attachments[0]).toMatchObject({ status: 'ready' })
    }, 15_000)
    expect((await get(alan, `/api/media/${id}?size=small`)).status).toBe(200)
    expect((await get(katherine, `/api/media/${id}?size=small`)).status).toBe(404)
    // A file already sent cannot be attached again, here or to a post.
    expect((await grace.post(`/api/communities/${slug}/posts`, { title: 'Again', body: 'x', attachments: [id] })).status).toBe(409)

    expect((await grace.delete(`/api/messages/${sent.json.id}`)).status).toBe(204)
    expect((await get(alan, `/api/media/${id}?size=small`)).status).toBe(404)
  })
})

describe('bad uploads get a clear 4xx and leave nothing usable behind', () => {
  it('refuses an oversized file at the ticket and bytes beyond the ticket at the upload', async () => {
    const huge = await grace.post('/api/media/uploads', { filename: 'huge.jpg', contentType: 'image/jpeg', size: 200 * 1024 * 1024 })
    expect(huge.status).toBe(413)
    expect(huge.json.message).toMatch(/larger than the limit/)
    const ticket = (await grace.post('/api/media/uploads', { filename: 'small.jpg', contentType: 'image/jpeg', size: 100 })).json
    const over = await put(grace, ticket.upload.url, new Uint8Array(5000))
    expect(over.status).toBe(413)
    expect((await grace.post(`/api/media/${ticket.media.id}/confirm`)).status).toBe(409)
  })

  it('refuses a file cut short, discarding it', async () => {
    const bytes = await photo()
    const ticket = (await grace.post('/api/media/uploads', { filename: 'cut.jpg', contentType: 'image/jpeg', size: bytes.length })).json
    expect((await put(grace, ticket.upload.url, bytes.slice(0, 100))).status).toBe(204)
    const confirmed = await grace.post(`/api/media/${ticket.media.id}/confirm`)
    expect(confirmed.status).toBe(400)
    expect(confirmed.json.message).toMatch(/cut short/)
    // Discarded: confirming again finds no upload.
    expect((await grace.post(`/api/media/${ticket.media.id}/confirm`)).status).toBe(409)
  })

  it('refuses more than ten files, the same file twice, and a file not confirmed yet', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => `0000000000${String(i).padStart(2, '0')}`)
    const many = await grace.post(`/api/communities/${slug}/posts`, { title: 'Too many', body: 'x', attachments: ids })
    expect(many.status).toBe(400)
    expect(many.json.data.fieldErrors.attachments).toEqual(['at most 10 files'])
    const id = await uploaded(grace, await photo())
    expect((await grace.post(`/api/communities/${slug}/posts`, { title: 'Twice', body: 'x', attachments: [id, id] })).status).toBe(400)
    const unconfirmed = (await grace.post('/api/media/uploads', { filename: 'later.jpg', contentType: 'image/jpeg', size: 10 })).json
    const early = await grace.post(`/api/communities/${slug}/posts`, { title: 'Too early', body: 'x', attachments: [unconfirmed.media.id] })
    expect(early.status).toBe(409)
    expect(early.json.message).toMatch(/not uploaded yet/)
    expect((await grace.post(`/api/media/${unconfirmed.media.id}/confirm`)).status).toBe(409)
  })

  it('refuses types outside the allow-list, a PUT of another type, and a lying file once the worker reads its bytes', async () => {
    expect((await grace.post('/api/media/uploads', { filename: 'logo.svg', contentType: 'image/svg+xml', size: 100 })).status).toBe(400)
    expect((await grace.post('/api/media/uploads', { filename: 'run.exe', contentType: 'application/octet-stream', size: 100 })).status).toBe(400)
    const text = new TextEncoder().encode('<svg onload="alert(1)"></svg> pretending to be a JPEG')
    const ticket = (await grace.post('/api/media/uploads', { filename: 'cat.jpg', contentType: 'image/jpeg', size: text.length })).json
    expect((await put(grace, ticket.upload.url, text, 'image/svg+xml')).status).toBe(415)
    expect((await put(grace, ticket.upload.url, text)).status).toBe(204)
    expect((await grace.post(`/api/media/${ticket.media.id}/confirm`)).status).toBe(200)
    // The worker reads the bytes, finds no image and refuses it; a post cannot carry it.
    await eventually(async () => {
      const refused = await grace.post(`/api/communities/${slug}/posts`, { title: 'Lying cat', body: 'x', attachments: [ticket.media.id] })
      expect(refused.status).toBe(400)
      expect(refused.json.message).toMatch(/was refused/)
    }, 15_000)
  })

  it('refuses file names with paths or control characters', async () => {
    for (const filename of ['../../etc/passwd', 'a/b.jpg', 'c:\\photos\\x.jpg', 'nul\u0000.jpg', 'line\nbreak.jpg', 'gpj\u202E.exe', '..', '']) {
      const response = await grace.post('/api/media/uploads', { filename, contentType: 'image/jpeg', size: 10 })
      expect(response.status, JSON.stringify(filename)).toBe(400)
      expect(response.json.data.fieldErrors.filename).toBeDefined()
    }
  })

  it('refuses someone else\'s upload: its bytes, its confirm, attaching it', async () => {
    const bytes = await photo()
    const ticket = (await grace.post('/api/media/uploads', { filename: 'mine.jpg', contentType: 'image/jpeg', size: bytes.length })).json
    expect((await put(katherine, ticket.upload.url, bytes)).status).toBe(404)
    expect((await put(grace, ticket.upload.url, bytes)).status).toBe(204)
    expect((await katherine.post(`/api/media/${ticket.media.id}/confirm`)).status).toBe(404)
    expect((await grace.post(`/api/media/${ticket.media.id}/confirm`)).status).toBe(200)
    const stolen = await alan.post(`/api/communities/${slug}/posts`, { title: 'Not mine', body: 'x', attachments: [ticket.media.id] })
    expect(stolen.status).toBe(400)
    expect(stolen.json.message).toMatch(/not one of your uploads/)
    // Unattached, it is its owner's alone.
    expect((await get(alan, `/api/media/${ticket.media.id}?size=small`)).status).toBe(404)
  })

  it('needs a session, and a media id that is one', async () => {
    const anonymous = new ApiClient(baseURL())
    expect((await anonymous.post('/api/media/uploads', { filename: 'a.jpg', contentType: 'image/jpeg', size: 10 })).status).toBe(401)
    expect((await get(grace, '/api/media/..%2F..%2Fetc?size=small')).status).toBe(404)
    expect((await get(grace, '/api/media/abc?size=huge')).status).toBe(400)
    expect((await grace.post('/api/media/nope/confirm')).status).toBe(404)
  })
})
