import { type Page, expect, test } from '@playwright/test'
import { hydrated, signIn, unique, visit } from './helpers'

interface WebManifest { display: string, start_url: string, theme_color: string, icons: Array<{ sizes: string, purpose?: string, src: string }>, shortcuts: Array<{ url: string }> }

/** Waits until the service worker controls the page, so its caches see the next requests. */
async function controlled(page: Page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
    if (navigator.serviceWorker.controller) return
    await new Promise<void>(resolve => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(), { once: true }))
  })
}

test('the app is installable: manifest with icons and shortcuts, a service worker, an install offer', async ({ page, request }) => {
  await visit(page, '/')
  const href = await page.locator('link[rel="manifest"]').getAttribute('href')
  expect(href).toBe('/manifest.webmanifest')
  const manifest = await (await request.get(href!)).json() as WebManifest
  expect(manifest.display).toBe('standalone')
  expect(manifest.start_url).toMatch(/^\//)
  expect(manifest.theme_color).toBe('#3b4cca')
  expect(manifest.icons.map(icon => icon.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']))
  expect(manifest.icons.some(icon => icon.purpose === 'maskable')).toBe(true)
  for (const icon of manifest.icons) expect((await request.get(icon.src)).headers()['content-type']).toBe('image/png')
  expect(manifest.shortcuts.map(shortcut => shortcut.url)).toEqual(['/chat', '/notifications'])

  await controlled(page)
  const script = await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL)
  expect(script).toMatch(/\/sw\.js$/)

  // Chromium offers installation with a beforeinstallprompt event; the app shows its own offer for it.
  await page.evaluate(() => {
    const offer = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: () => { document.documentElement.dataset.installPrompted = 'true' },
      userChoice: Promise.resolve({ outcome: 'accepted', platform: 'web' }),
    })
    window.dispatchEvent(offer)
  })
  const offer = page.getByRole('region', { name: 'Install the app' })
  await offer.getByRole('button', { name: 'Install' }).click()
  await expect(page.locator('html[data-install-prompted="true"]')).toBeAttached()
  await expect(offer).toBeHidden()
})

test('pages read before stay readable offline, an unseen page shows the offline page', async ({ page, context }) => {
  await signIn(page, 'grace')
  await visit(page, '/communities/new')
  const name = unique('Night trains')
  await page.getByLabel('Name').fill(name)
  await page.getByRole('button', { name: 'Create community' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  const title = unique('Sleeper to Vienna')
  await page.getByLabel('Title').fill(title)
  await page.getByLabel('Post (markdown)').fill('The couchette was warm.')
  await page.getByRole('button', { name: 'Publish post' }).click()
  await page.getByRole('link', { name: title }).click()
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  const postUrl = page.url()
  await controlled(page)
  // Opened again now that the worker is in charge, so the worker keeps a copy.
  await visit(page, postUrl)

  await context.setOffline(true)
  await visit(page, postUrl)
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await expect(page.getByText('The couchette was warm.')).toBeVisible()
  await expect(page.getByRole('status').filter({ hasText: 'You are offline' })).toBeVisible()

  await page.goto('/c/never-opened-here')
  await expect(page.getByRole('heading', { level: 1, name: 'You are offline' })).toBeVisible()
  await context.setOffline(false)
})

test('a post written offline waits in the outbox and is published once when the connection returns', async ({ page, context }) => {
  await signIn(page, 'grace')
  await visit(page, '/communities/new')
  const name = unique('Tunnel section')
  await page.getByLabel('Name').fill(name)
  await page.getByRole('button', { name: 'Create community' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  const slug = new URL(page.url()).pathname.split('/').at(-1)!
  await hydrated(page)

  await context.setOffline(true)
  await expect(page.getByRole('status').filter({ hasText: 'You are offline' })).toBeVisible()
  const title = unique('Written in the tunnel')
  await page.getByLabel('Title').fill(title)
  await page.getByLabel('Post (markdown)').fill('No signal down here.')
  await page.getByRole('button', { name: 'Publish post' }).click()
  await expect(page.getByText('the post waits on this device')).toBeVisible()
  const outbox = page.getByRole('region', { name: 'Outbox' })
  await expect(outbox.getByRole('status')).toHaveText('Waiting to send: 1')
  await expect(outbox).toContainText(`Post “${title}” in c/${slug} · pending`)

  await context.setOffline(false)
  await expect(page.getByRole('article', { name: title })).toBeVisible()
  await expect(outbox).toBeHidden()
  const feed = await (await page.request.get(`/api/communities/${slug}/posts`)).json() as { items: Array<{ title: string }> }
  expect(feed.items.filter(post => post.title === title)).toHaveLength(1)
  await page.reload()
  await expect(page.getByRole('article', { name: title })).toHaveCount(1)
})
