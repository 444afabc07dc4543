import { type Page, expect, test } from '@playwright/test'
import { hydrated, navigate, signIn, unique, visit } from './helpers'

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

test('a chat message written offline is sent once on reconnect and arrives through the resumed live room', async ({ page, context }) => {
  await signIn(page, 'grace')
  await visit(page, '/communities/new')
  const name = unique('Signal box')
  await page.getByLabel('Name').fill(name)
  await page.getByRole('button', { name: 'Create community' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  await page.getByRole('link', { name: 'Open the community chat' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  await expect(page.getByText(/1 (person|people) online/)).toBeVisible()

  await context.setOffline(true)
  const text = unique('Between stations')
  await page.getByLabel('Message', { exact: true }).fill(text)
  await page.getByRole('button', { name: 'Send message' }).click()
  const outbox = page.getByRole('region', { name: 'Outbox' })
  await expect(outbox).toContainText(`Message “${text}” · pending`)

  await context.setOffline(false)
  await expect(page.getByRole('log').getByText(text)).toBeVisible()
  await expect(outbox).toBeHidden()
  await page.reload()
  await expect(page.getByRole('log').getByText(text)).toHaveCount(1)
})

test('signing out empties what the device kept for offline reading', async ({ page }) => {
  await signIn(page, 'grace')
  await controlled(page)
  // Opened in the app (its API read goes through the worker) and as a page of its own.
  await navigate(page, 'Notifications')
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible()
  await visit(page, '/notifications')
  const cachedUrls = () => page.evaluate(async () => {
    const urls: string[] = []
    for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname)
    return urls
  })
  await expect.poll(cachedUrls).toContain('/notifications')
  expect((await cachedUrls()).some(url => url.startsWith('/api/notifications'))).toBe(true)
  await expect.poll(() => page.evaluate(() => localStorage.getItem('c18n:offline-owner'))).not.toBeNull()

  await page.getByRole('button', { name: 'Menu' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByRole('link', { name: 'Sign in' }).first()).toBeVisible()
  // The owner mark goes once the caches are emptied: the positive sign that the clean-up ran.
  await expect.poll(() => page.evaluate(() => localStorage.getItem('c18n:offline-owner'))).toBeNull()
  const left = await cachedUrls()
  expect(left).not.toContain('/notifications')
  expect(left.filter(url => url.startsWith('/api/notifications'))).toEqual([])
})

test('a write the server refuses stays in the outbox with the reason, and can be corrected and sent again', async ({ page, context }) => {
  await signIn(page, 'grace')
  await visit(page, '/communities/new')
  const name = unique('Long letters')
  await page.getByLabel('Name').fill(name)
  await page.getByRole('button', { name: 'Create community' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  await hydrated(page)

  await context.setOffline(true)
  const title = unique('Far too long')
  await page.getByLabel('Title').fill(title)
  await page.getByLabel('Post (markdown)').fill('x'.repeat(20_001))
  await page.getByRole('button', { name: 'Publish post' }).click()
  await expect(page.getByText('the post waits on this device')).toBeVisible()
  await context.setOffline(false)

  const outbox = page.getByRole('region', { name: 'Outbox' })
  await expect(outbox).toContainText(/was not accepted: .*at most 20,000 characters/)
  await outbox.getByRole('button', { name: /^Edit Post/ }).click()
  await outbox.getByLabel('Correct and send again').fill('Said in fewer words.')
  await outbox.getByRole('button', { name: 'Send again' }).click()
  await expect(page.getByRole('article', { name: title })).toBeVisible()
  await expect(page.getByText('Said in fewer words.')).toBeVisible()
  await expect(outbox).toBeHidden()
})

test('a client that went offline resumes its live room and gets exactly the messages it missed', async ({ browser, page }) => {
  await signIn(page, 'grace')
  await visit(page, '/communities/new')
  const name = unique('Night ferry')
  await page.getByLabel('Name').fill(name)
  await page.getByRole('button', { name: 'Create community' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  const communityPath = new URL(page.url()).pathname

  const alanContext = await browser.newContext({ ...test.info().project.use, baseURL: test.info().project.use.baseURL })
  const alan = await alanContext.newPage()
  await signIn(alan, 'alan')
  await visit(alan, communityPath)
  await alan.getByRole('button', { name: 'Join community' }).click()
  await expect(alan.getByRole('button', { name: 'Leave community' })).toBeVisible()
  for (const each of [page, alan]) {
    await each.getByRole('link', { name: 'Open the community chat' }).click()
    await expect(each.getByRole('heading', { level: 1, name })).toBeVisible()
  }
  for (const each of [page, alan]) await expect(each.getByText('2 people online')).toBeVisible()

  await alanContext.setOffline(true)
  await expect(alan.getByRole('status').filter({ hasText: 'You are offline' })).toBeVisible()
  // Grace sees Alan leave: his socket is closed, not left hanging.
  await expect(page.getByText(/1 (person|people) online/)).toBeVisible()
  const missed = [unique('While you were away'), unique('And this too')]
  for (const text of missed) {
    await page.getByLabel('Message', { exact: true }).fill(text)
    await page.getByRole('button', { name: 'Send message' }).click()
    await expect(page.getByRole('log').getByText(text)).toBeVisible()
  }

  await alanContext.setOffline(false)
  for (const text of missed) await expect(alan.getByRole('log').getByText(text)).toHaveCount(1)
  await expect(page.getByText('2 people online')).toBeVisible()
  await alanContext.close()
})
