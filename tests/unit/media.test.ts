import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { processImage } from '../../core/media/images'
import { mediaSettingsFromEnv } from '../../core/media/settings'
import type { MediaDoc } from '../../core/media/model'
import { eventually } from '../contract/suites/wait'
import { fakeClock } from '../support/clock'
import { freshDomain } from './helpers'
import { sweepUnconfirmed } from '../../core/media/sweeper'
import { broadcastEvents } from '../../core/pipeline/broadcaster'
import { newEvent } from '../../core/pipeline/events'
import { LiveLog } from '../../core/realtime/live-log'

const settings = { ...mediaSettingsFromEnv({}), smallSide: 64, largeSide: 200 }

/** A photo as a phone takes it: JPEG, turned by its EXIF orientation, with a camera and GPS position in EXIF. */
async function phonePhoto(width = 300, height = 200) {
  return new Uint8Array(await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 90, b: 40 } } })
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneMaker', Model: 'Pocket 9' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' } })
    .withMetadata({ orientation: 6 })
    .toBuffer())
}

const png = async (width: number, height: number) => new Uint8Array(await sharp({ create: { width, height, channels: 4, background: '#3b4cca' } }).png().toBuffer())

describe('image processing', () => {
  it('makes small and large WebP renditions without EXIF or GPS, upright, with a blurhash and the shown size', async () => {
    const photo = await phonePhoto()
    const before = await sharp(photo).metadata()
    expect(before.orientation).toBe(6)
    expect(before.exif?.toString('latin1')).toContain('PhoneMaker')
    const result = await processImage(photo, settings)
    if (!result.ok) throw new Error(result.reason)
    // Orientation 6 turns the 300×200 picture upright: 200 wide, 300 high.
    expect(result.renditions).toMatchObject({ width: 200, height: 300, detectedType: 'image/jpeg' })
    expect(result.renditions.blurhash).toMatch(/^[0-9A-Za-z#$%*+,\-.:;=?@[\]^_{|}~]{20,}$/)
    for (const [bytes, side] of [[result.renditions.small, 64], [result.renditions.large, 200]] as const) {
      const meta = await sharp(bytes).metadata()
      expect(meta.format).toBe('webp')
      expect(meta.exif).toBeUndefined()
      expect(meta.orientation).toBeUndefined()
      expect(Math.max(meta.width!, meta.height!)).toBe(side)
      expect(meta.height! > meta.width!).toBe(true)
    }
  })

  it('refuses SVG, a document named as an image, and a picture over the pixel limit', async () => {
    const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    expect(await processImage(svg, settings)).toMatchObject({ ok: false, reason: expect.stringMatching(/SVG/) })
    const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF')
    expect(await processImage(pdf, settings)).toMatchObject({ ok: false, reason: expect.stringMatching(/application\/pdf/) })
    const big = await png(120, 100)
    expect(await processImage(big, { ...settings, maxPixels: 10_000 })).toMatchObject({ ok: false, reason: expect.stringMatching(/120×100 pixels, more than the limit of 10000/) })
    expect((await processImage(big, { ...settings, maxPixels: 12_000 })).ok).toBe(true)
  })

  it('refuses a truncated image with a reason, not a crash', async () => {
    const photo = await phonePhoto()
    const result = await processImage(photo.slice(0, Math.floor(photo.length / 3)), settings)
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/could not be read/) })
  })
})

describe('uploads through the domain (embedded object store)', { timeout: 30_000 }, () => {
  async function setting() {
    const clock = fakeClock()
    const { domain, make } = await freshDomain({ now: clock.now, media: settings })
    const [ann, ben, cat] = [await make('ann'), await make('ben'), await make('cat')]
    await domain.communities.create(ann.actor, { name: 'Secret harbour', slug: 'secret', description: '', topics: [], visibility: 'private', postsNeedApproval: false })
    await domain.communities.addMember(ann.actor, 'secret', 'ben')
    return { domain, clock, ann, ben, cat }
  }
  type Setting = Awaited<ReturnType<typeof setting>>
  const upload = async ({ domain }: Setting, actor: Setting['ann']['actor'], bytes: Uint8Array, filename = 'photo.jpg') => {
    const ticket = await domain.media.requestUpload(actor, { filename, contentType: 'image/jpeg', size: bytes.length })
    await domain.media.receive(actor, ticket.media.id, 'image/jpeg', async limit => (bytes.length > limit ? null : bytes))
    return ticket
  }
  const mediaDoc = (s: Setting, id: string) => s.domain.ports.store.collection<MediaDoc>('media').findOne({ _id: id })

  it('turns a confirmed upload on a private post into renditions only members read, and removes them with the post', async () => {
    const s = await setting()
    const ticket = await upload(s, s.ann.actor, await phonePhoto())
    expect(ticket.upload).toMatchObject({ method: 'PUT', url: `/api/media/${ticket.media.id}/content`, headers: { 'content-type': 'image/jpeg' } })
    expect((await s.domain.media.confirm(s.ann.actor, ticket.media.id)).status).toMatch(/processing|ready/)
    const post = await s.domain.posts.create(s.ann.actor, 'secret', { title: 'Harbour at dawn', body: 'See the photo', tags: [], attachments: [ticket.media.id] })
    expect(post.attachments.map(a => a.id)).toEqual([ticket.media.id])
    await eventually(async () => expect((await s.domain.posts.get(s.ben.actor, post.id)).attachments[0]).toMatchObject({ status: 'ready', width: 200, height: 300, largeUrl: `/api/media/${ticket.media.id}?size=large` }))
    const doc = (await mediaDoc(s, ticket.media.id))!
    // The original, with its EXIF and GPS, goes once the renditions are recorded.
    await eventually(async () => expect(await s.domain.ports.objects.stat(doc.key)).toBeNull())
    const large = await s.domain.media.content(s.ben.actor, ticket.media.id, 'large')
    if (!('body' in large)) throw new Error('the embedded store serves the bytes')
    expect((await sharp(large.body).metadata()).exif).toBeUndefined()
    // Someone outside the private community, and nobody signed in, find nothing.
    await expect(s.domain.media.content(s.cat.actor, ticket.media.id, 'small')).rejects.toMatchObject({ kind: 'not_found' })
    await expect(s.domain.media.content(null, ticket.media.id, 'small')).rejects.toMatchObject({ kind: 'not_found' })

    await s.domain.posts.remove(s.ann.actor, post.id)
    await eventually(async () => expect((await mediaDoc(s, ticket.media.id))?.state).toBe('deleted'))
    await eventually(async () => expect(await s.domain.ports.objects.list(`media/${ticket.media.id}/`)).toEqual([]))
    await expect(s.domain.media.content(s.ann.actor, ticket.media.id, 'small')).rejects.toMatchObject({ kind: 'not_found' })
  })

  it('refuses a lying type in the worker, and a file confirmed by someone else or after its ticket expired', async () => {
    const s = await setting()
    const lying = await upload(s, s.ann.actor, new TextEncoder().encode('#!/bin/sh\necho not a photo\n'), 'cat.jpg')
    await expect(s.domain.media.confirm(s.ben.actor, lying.media.id)).rejects.toMatchObject({ kind: 'not_found' })
    await s.domain.media.confirm(s.ann.actor, lying.media.id)
    await eventually(async () => expect((await mediaDoc(s, lying.media.id))?.state).toBe('rejected'))
    await eventually(async () => expect(await s.domain.ports.objects.list(`uploads/${s.ann.id}/${lying.media.id}`)).toEqual([]))
    await expect(s.domain.posts.create(s.ann.actor, 'secret', { title: 'Not a photo', body: 'x', tags: [], attachments: [lying.media.id] })).rejects.toMatchObject({ kind: 'invalid' })

    const late = await upload(s, s.ann.actor, await phonePhoto())
    s.clock.advance((settings.uploadSeconds + 1) * 1000)
    await expect(s.domain.media.confirm(s.ann.actor, late.media.id)).rejects.toMatchObject({ kind: 'gone' })
    expect(await s.domain.ports.objects.stat((await mediaDoc(s, late.media.id))!.key)).toBeNull()
  })

  it('sweeps an upload never confirmed once its ticket has expired, removing its bytes', async () => {
    const s = await setting()
    const ticket = await upload(s, s.ann.actor, await phonePhoto())
    const key = (await mediaDoc(s, ticket.media.id))!.key
    expect(await sweepUnconfirmed(s.domain.ports, s.clock.now())).toBe(0)
    expect(await s.domain.ports.objects.stat(key)).not.toBeNull()
    expect(await sweepUnconfirmed(s.domain.ports, s.clock.now() + (settings.uploadSeconds + 1) * 1000)).toBe(1)
    await eventually(async () => expect((await mediaDoc(s, ticket.media.id))?.state).toBe('deleted'))
    await eventually(async () => expect(await s.domain.ports.objects.stat(key)).toBeNull())
  })

  it('tells the post\'s live room when a file on it is processed, so readers swap the placeholder for the rendition', async () => {
    const s = await setting()
    const ticket = await upload(s, s.ann.actor, await phonePhoto())
    await s.domain.media.confirm(s.ann.actor, ticket.media.id)
    const post = await s.domain.posts.create(s.ann.actor, 'secret', { title: 'Live photo', body: 'x', tags: [], attachments: [ticket.media.id] })
    // The post is answered at Kafka's ack; the file is linked to it once the persister has applied it.
    await s.domain.publisher.settled(s.ann.id)
    const processed = newEvent('media', 'media.processed', ticket.media.id, ticket.media.id, { id: ticket.media.id, width: 1, height: 1, blurhash: 'x', detectedType: 'image/jpeg', renditions: { small: 's', large: 'l' } })
    await broadcastEvents(s.domain.ports, [processed.event])
    const { events } = await new LiveLog(s.domain.ports.cache).since(`posts:${post.communityId}`, 0)
    expect(events.find(e => e.eventId === processed.event.id)).toMatchObject({ kind: 'post.edited', payload: { id: post.id, media: ticket.media.id } })
  })

  it('keeps each person within their quota, counting the uploads they keep', async () => {
    const { domain, make } = await freshDomain({ media: { ...settings, quotaBytes: 3000 } })
    const ann = await make('ann')
    const first = await domain.media.requestUpload(ann.actor, { filename: 'a.jpg', contentType: 'image/jpeg', size: 2000 })
    await expect(domain.media.requestUpload(ann.actor, { filename: 'b.jpg', contentType: 'image/jpeg', size: 1500 })).rejects.toMatchObject({ kind: 'too_large', message: expect.stringMatching(/quota/) })
    expect(await domain.media.usage(ann.actor)).toMatchObject({ usedBytes: 2000, quotaBytes: 3000, items: [{ id: first.media.id, size: 2000, status: 'pending', attachedTo: null }] })
    // Someone else's quota is their own.
    const ben = await make('ben')
    expect((await domain.media.requestUpload(ben.actor, { filename: 'c.jpg', contentType: 'image/jpeg', size: 1500 })).media.status).toBe('pending')
  })
})
