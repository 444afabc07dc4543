import { type Browser, type Page, expect, test } from '@playwright/test'
import { hydrated, visit } from './helpers'

// Okta single sign-on against a real OpenID Provider on loopback (tests/support/oidc-provider.mjs),
// through next-auth's Okta provider: redirect, login, consent, callback, session, sign-out.
const issuer = () => process.env.E2E_OIDC_ISSUER!

async function sessionOf(page: Page) {
  return (await (await page.request.get('/api/auth/session')).json()) as { user?: { id: string, handle: string, name: string } }
}

/** From the sign-in page to the provider's login and consent pages and back. */
async function signInAtProvider(page: Page, login: string) {
  await visit(page, '/signin')
  await page.getByRole('button', { name: 'Sign in with Okta' }).click()
  await page.waitForURL(url => url.origin === issuer())
  await page.locator('input[name="login"]').fill(login)
  await page.locator('input[name="password"]').fill('any password works at the test provider')
  await page.getByRole('button', { name: 'Sign-in' }).click()
  await page.getByRole('button', { name: 'Continue' }).click()
}

async function freshPage(browser: Browser) {
  const context = await browser.newContext()
  return { page: await context.newPage(), close: () => context.close() }
}

test('signs in with Okta, makes the profile from the claims, links to it next time, and signs out', async ({ browser }) => {
  const first = await freshPage(browser)
  await signInAtProvider(first.page, 'amelia')
  await expect(first.page.getByRole('heading', { name: 'Welcome back, Amelia Earhart' })).toBeVisible()
  await hydrated(first.page)
  const session = await sessionOf(first.page)
  expect(session.user).toMatchObject({ handle: 'amelia-earhart', name: 'Amelia Earhart' })
  await visit(first.page, '/u/amelia-earhart')
  await expect(first.page.getByRole('heading', { level: 1, name: 'Amelia Earhart' })).toBeVisible()

  const menu = first.page.getByRole('button', { name: 'Menu' })
  if (await menu.isVisible()) await menu.click()
  await first.page.getByRole('button', { name: 'Sign out' }).click()
  // signOut takes the page home by itself, signed out. Only then ask for the session: next-auth
  // renews the session cookie on every session read, so a read racing the sign-out would revive it.
  await expect(first.page.getByRole('heading', { level: 1, name: 'Communities, conversations, and people worth knowing' })).toBeVisible()
  await first.page.waitForLoadState()
  expect((await sessionOf(first.page)).user).toBeUndefined()
  await first.close()

  // A second sign-in, in a new browser, finds the same profile instead of making another.
  const second = await freshPage(browser)
  await signInAtProvider(second.page, 'amelia')
  await expect(second.page.getByRole('heading', { name: 'Welcome back, Amelia Earhart' })).toBeVisible()
  expect((await sessionOf(second.page)).user).toMatchObject({ id: session.user!.id, handle: 'amelia-earhart' })
  expect((await (await second.page.request.get('/api/users?q=amelia')).json()).items.filter((u: { displayName: string }) => u.displayName === 'Amelia Earhart')).toHaveLength(1)
  await second.close()
})

test('refuses an Okta identity outside the allowed email domains', async ({ browser }) => {
  const { page, close } = await freshPage(browser)
  await signInAtProvider(page, 'mallory')
  await page.waitForURL(/\/signin\?.*error=AccessDenied/)
  await hydrated(page)
  await expect(page.getByRole('alert')).toContainText('not in an allowed domain')
  expect((await sessionOf(page)).user).toBeUndefined()
  await close()
})

test('local accounts stay available beside Okta', async ({ page }) => {
  await visit(page, '/signin')
  await expect(page.getByRole('button', { name: 'Sign in with Okta' })).toBeVisible()
  await expect(page.getByLabel('Handle')).toBeVisible()
})
