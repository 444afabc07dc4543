import { expect, test } from '@playwright/test'
import { signIn, unique, visit } from './helpers'

// Known XSS payloads, posted as markdown: none may run, and each must still show as text.
const PAYLOADS = [
  '<script>window.__xss = "script"</script>',
  '<img src=x onerror="window.__xss = \'img\'">',
  '<svg onload="window.__xss = \'svg\'"></svg>',
  '<iframe src="javascript:window.__xss=\'iframe\'"></iframe>',
  '<a href="javascript:window.__xss=\'anchor\'">anchor</a>',
  '"><script>window.__xss = "breakout"</script>',
  '<details open ontoggle="window.__xss = \'toggle\'">',
]
const MARKDOWN_LINKS = '[markdown link](javascript:window.__xss=\'link\') and [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'

test('posted XSS payloads do not run, show as text, and the CSP reports no violation of ours', async ({ page }) => {
  const violations: string[] = []
  page.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text())
  })
  page.on('dialog', dialog => dialog.dismiss())
  await signIn(page, 'grace')
  const name = unique('Payload tests')
  await visit(page, '/communities/new')
  await page.getByLabel('Name').fill(name)
  await page.getByRole('button', { name: 'Create community' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()

  const title = unique('<img src=x onerror=window.__xss=1> title')
  await page.getByLabel('Title').fill(title)
  await page.getByLabel('Post (markdown)').fill([...PAYLOADS, MARKDOWN_LINKS].join('\n\n'))
  await page.getByRole('button', { name: 'Publish post' }).click()
  await expect(page.getByRole('article', { name: title })).toBeVisible()

  // On the feed after a reload (server-rendered) and on the post's own page.
  await page.reload()
  await page.getByRole('link', { name: title }).click()
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  for (const payload of PAYLOADS) await expect(page.getByText(payload, { exact: false }).first()).toBeVisible()
  await expect(page.getByText('[markdown link](javascript:')).toBeVisible()

  const article = page.locator('main')
  expect(await article.locator('script').count()).toBe(0)
  expect(await article.locator('img[onerror], svg[onload], iframe, details[ontoggle]').count()).toBe(0)
  expect(await article.locator('a[href^="javascript:"], a[href^="data:"]').count()).toBe(0)
  expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined()
  expect(violations).toEqual([])
})

test('an inline script injected into a page is blocked by the Content-Security-Policy', async ({ page }) => {
  const violations: string[] = []
  page.on('console', message => violations.push(message.text()))
  await visit(page, '/')
  await page.evaluate(() => {
    const script = document.createElement('script')
    script.textContent = 'window.__injected = true'
    document.body.append(script)
  })
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined()
  expect(violations.some(text => /Content Security Policy/i.test(text))).toBe(true)
})
