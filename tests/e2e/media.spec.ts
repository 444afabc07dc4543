import sharp from 'sharp'
import { expect, test } from '@playwright/test'
import { signIn, unique, visit } from './helpers'

/** A photo made here, with a camera name in its EXIF (no binary fixtures). */
const photo = (width: number, height: number, colour: string) => sharp({ create: { width, height, channels: 3, background: colour } })
  .jpeg().withExif({ IFD0: { Make: 'PhoneMaker' } }).toBuffer()

test('a photo attached to a post on a phone, one pasted too, one on a reply, and a second person sees them', async ({ page, browser }) => {
  await signIn(page, 'grace')
  const name = unique('Pier photos')
  await visit(page, '/communities/new')
  await page.getByLabel('Name').fill(name)
  await page.getByRole('button', { name: 'Create community' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  const communityUrl = page.url()

  const title = unique('Fog lifting')
  await page.getByLabel('Title').fill(title)
  await page.getByLabel('Choose photos to attach').setInputFiles({ name: 'pier.jpg', mimeType: 'image/jpeg', buffer: await photo(640, 480, '#2a6fdb') })
  // The text is written while the file uploads.
  await page.getByLabel('Post (markdown)').fill('The fog lifts over the pier')
  const pasted = (await sharp({ create: { width: 300, height: 300, channels: 4, background: '#e0a030' } }).png().toBuffer()).toString('base64')
  await page.getByLabel('Post (markdown)').evaluate((box, base64) => {
    const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0))
    const data = new DataTransfer()
    data.items.add(new File([bytes], 'clipboard.png', { type: 'image/png' }))
    box.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }))
  }, pasted)
  const files = page.getByRole('list', { name: 'Attached files' })
  await expect(files.getByRole('listitem')).toHaveCount(2)
  await expect(files.getByText('Attached')).toHaveCount(2)
  await expect(page.getByRole('progressbar', { name: 'Upload of pier.jpg' })).toHaveAttribute('value', '1')
  await page.getByRole('button', { name: 'Publish post' }).click()

  const card = page.getByRole('article', { name: title })
  await expect(card.getByRole('img', { name: 'pier.jpg' })).toBeVisible()
  await expect(files).toHaveCount(0)

  // A reply with a photo: shown as a placeholder, then as the rendition once the worker is done.
  await card.getByRole('link', { name: title }).click()
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await page.getByRole('button', { name: 'Your reply: attach photos' }).click()
  await page.getByLabel('Choose photos to attach').setInputFiles({ name: 'detail.jpg', mimeType: 'image/jpeg', buffer: await photo(400, 400, '#8b2f1f') })
  await page.getByLabel('Your reply', { exact: true }).fill('A closer look')
  await expect(page.getByRole('list', { name: 'Attached files' }).getByText('Attached')).toBeVisible()
  await page.getByRole('button', { name: 'Send reply' }).click()
  await expect(page.getByRole('img', { name: 'detail.jpg' })).toBeVisible()

  // Someone else, on their own phone, finds the photos in the feed and on the post's page.
  const other = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true })
  const alan = await other.newPage()
  await signIn(alan, 'alan')
  await visit(alan, communityUrl)
  const seen = alan.getByRole('article', { name: title })
  for (const filename of ['pier.jpg', 'clipboard.png']) {
    const image = seen.getByRole('img', { name: filename })
    await expect(image).toBeVisible()
    await expect.poll(() => image.evaluate(img => (img as HTMLImageElement).naturalWidth)).toBeGreaterThan(0)
  }
  await seen.getByRole('link', { name: title }).click()
  await expect(alan.getByRole('heading', { level: 1, name: title })).toBeVisible()
  const large = alan.getByRole('img', { name: 'pier.jpg' })
  await expect(large).toBeVisible()
  await expect.poll(() => large.evaluate(img => (img as HTMLImageElement).naturalWidth)).toBe(640)
  await expect(alan.getByRole('img', { name: 'detail.jpg' })).toBeVisible()
  await other.close()
})
