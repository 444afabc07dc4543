import { type Browser, type Page, devices, expect, test } from '@playwright/test'
import { signIn, visit } from './helpers'

async function signedIn(browser: Browser, handle: string): Promise<Page> {
  const context = await browser.newContext({ ...devices['Pixel 7'], viewport: { width: 375, height: 740 }, baseURL: test.info().project.use.baseURL })
  const page = await context.newPage()
  await signIn(page, handle)
  return page
}

test('"sign out everywhere" in the settings ends the session on another device too', async ({ browser, request }) => {
  // A directory account no other test signs in as.
  const directory = await (await request.get('/api/users?limit=100')).json() as { items: Array<{ handle: string }> }
  const handle = directory.items.at(-2)!.handle
  const phone = await signedIn(browser, handle)
  const laptop = await signedIn(browser, handle)

  await visit(phone, '/settings/account')
  await phone.getByRole('button', { name: 'Sign out everywhere' }).click()
  await phone.getByRole('group', { name: 'Confirm signing out everywhere' }).getByRole('button', { name: 'Yes, sign out on every device' }).click()
  await expect(phone.getByRole('status')).toHaveText('You are signed out on every device.')

  await visit(laptop, '/settings/account')
  await expect(laptop.getByRole('heading', { level: 1, name: 'Sign in' })).toBeVisible()
  expect((await laptop.request.get('/api/me')).status()).toBe(401)
})
