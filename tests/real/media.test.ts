import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Ports } from '../../core/ports'
import type { Domain } from '../../core/domain'
import type { MediaDoc } from '../../core/media/model'
import { eventually } from '../contract/suites/wait'
import { WorkerProcess, closeStack, openStack, stackSpace } from './stack'

// Media on the real stack: tickets are presigned PUTs to S3 (versitygw), the media consumer runs
// in the worker process, reads are short-lived presigned GETs. The run keeps to its own topics and database.
const space = stackSpace('md', 'media')
// The analytics batch that starts with the worker runs on the embedded engine: a Spark run would hold its shutdown.
const worker = new WorkerProcess(space, { C18N_ANALYTICS_ENGINE: 'embedded' })

let ports: Ports
let domain: Domain
const actors: Record<string, { id: string, role: 'user' }> = {}
const slug = 'darkroom'

const photo = async () => new Uint8Array(await sharp({ create: { width: 900, height: 600, channels: 3, background: '#1f6f8b' } })
  .jpeg().withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Pocket 9' } }).toBuffer())
const mediaDoc = (id: string) => ports.store.collection<MediaDoc>('media').findOne({ _id: id })

/** The browser's part: the bytes straight to S3 with the ticket's signed URL, then the confirm. */
async function uploaded(who: string, bytes: Uint8Array<ArrayBuffer>, filename: string) {
  const ticket = await domain.media.requestUpload(actors[who]!, { filename, contentType: 'image/jpeg', size: bytes.length })
  expect(ticket.upload.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.*X-Amz-Signature=/)
  const put = await fetch(ticket.upload.url, { method: 'PUT', body: bytes, headers: ticket.upload.headers })
  expect(put.status).toBe(200)
  await domain.media.confirm(actors[who]!, ticket.media.id)
  return ticket.media.id
}

beforeAll(async () => {
  ({ ports, domain } = await openStack(space))
  await worker.start()
  for (const handle of ['ann', 'ben', 'cat']) actors[handle] = { id: (await domain.users.create({ handle, displayName: handle.toUpperCase() })).id, role: 'user' }
  await domain.communities.create(actors.ann!, { name: 'Darkroom', slug, description: '', topics: [], visibility: 'private', postsNeedApproval: false })
  await domain.communities.addMember(actors.ann!, slug, 'ben')
}, 120_000)

afterAll(async () => {
  await worker.stop()
  await closeStack(ports)
}, 60_000)

describe('media on S3 with the worker', () => {
  it('turns an upload into renditions in S3, serves them to members by presigned GET, and removes them with the post', async () => {
    const id = await uploaded('ben', await photo(), 'pier.jpg')
    const post = await domain.posts.create(actors.ben!, slug, { title: 'Pier at dusk', body: 'Photo attached', tags: [], attachments: [id] })
    await eventually(async () => expect((await mediaDoc(id))?.state).toBe('ready'), 30_000, 200)
    expect((await ports.objects.list(`media/${id}/`)).map(o => [o.key, o.contentType])).toEqual([[`media/${id}/large.webp`, 'image/webp'], [`media/${id}/small.webp`, 'image/webp']])
    // The original, EXIF and all, goes once the renditions are recorded.
    await eventually(async () => expect(await ports.objects.stat((await mediaDoc(id))!.key)).toBeNull(), 30_000, 200)
    expect((await domain.posts.get(actors.ann!, post.id)).attachments[0]).toMatchObject({ id, status: 'ready', width: 900, height: 600 })

    const content = await domain.media.content(actors.ann!, id, 'large')
    if (!('redirect' in content)) throw new Error('S3 media is served by a presigned GET')
    const image = await fetch(content.redirect)
    expect(image.status).toBe(200)
    const meta = await sharp(new Uint8Array(await image.arrayBuffer())).metadata()
    expect(meta).toMatchObject({ format: 'webp', width: 900, height: 600 })
    expect(meta.exif).toBeUndefined()
    await expect(domain.media.content(actors.cat!, id, 'large')).rejects.toMatchObject({ kind: 'not_found' })

    await domain.posts.remove(actors.ann!, post.id)
    await eventually(async () => {
      expect((await mediaDoc(id))?.state).toBe('deleted')
      expect(await ports.objects.list(`media/${id}/`)).toEqual([])
    }, 30_000, 200)
  })

  it('refuses a file whose bytes are not an image, removing it from S3', async () => {
    const id = await uploaded('ben', new TextEncoder().encode('#!/bin/sh\necho not a photo\n'), 'cat.jpg')
    await eventually(async () => expect((await mediaDoc(id))?.state).toBe('rejected'), 30_000, 200)
    expect((await mediaDoc(id))?.reason).toMatch(/not an image we recognise/)
    await eventually(async () => expect(await ports.objects.stat((await mediaDoc(id))!.key)).toBeNull(), 30_000, 200)
  })
})
