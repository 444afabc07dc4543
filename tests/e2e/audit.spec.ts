import { expect, test } from '@playwright/test'
import { signIn, unique, visit } from './helpers'

test('a community owner reads its audit log; a moderator has no link to it and is refused', async ({ page, browser, baseURL }) => {
  await signIn(page, 'grace')
  const slug = unique('audit-room')
  // Writes from the test itself name the app's origin, as the app's own pages do (CSRF check).
  const headers = { origin: baseURL! }
  expect((await page.request.post('/api/communities', { data: { name: 'Audit room', slug }, headers })).status()).toBe(201)
  const member = await page.request.post(`/api/communities/${slug}/members`, { data: { handle: 'alan' }, headers })
  const alanId = (await member.json()).userId as string
  expect((await page.request.patch(`/api/communities/${slug}/members/${alanId}`, { data: { role: 'moderator' }, headers })).status()).toBe(200)

  await visit(page, `/c/${slug}`)
  await page.getByRole('link', { name: 'Audit log' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible()
  const entries = page.getByRole('list', { name: 'Audit log entries' }).getByRole('listitem')
  await expect(entries.first()).toContainText('@grace made @alan a moderator')
  await expect(entries.nth(1)).toContainText('@grace added @alan')

  const other = await browser.newContext()
  const alan = await other.newPage()
  await signIn(alan, 'alan')
  await visit(alan, `/c/${slug}`)
  await expect(alan.getByRole('heading', { level: 1, name: 'Audit room' })).toBeVisible()
  await expect(alan.getByRole('link', { name: 'Audit log' })).toHaveCount(0)
  await alan.goto(`/c/${slug}/audit`)
  await expect(alan.getByText('Only the community\'s owners can read its audit log')).toBeVisible()
  await other.close()
})
