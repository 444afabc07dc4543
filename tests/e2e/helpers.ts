import { type Page, expect } from '@playwright/test'

/** Waits until Vue owns the page, so typing lands in reactive state and not in dead HTML. */
export async function hydrated(page: Page) {
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached' })
}

export async function visit(page: Page, path: string) {
  await page.goto(path)
  await hydrated(page)
}

export async function signIn(page: Page, handle: string) {
  await visit(page, '/signin')
  await page.getByLabel('Handle').fill(handle)
  await page.getByLabel('Password').fill('c18n-demo')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('heading', { name: /Welcome back/ })).toBeVisible()
  await hydrated(page)
}

/** Opens the phone-sized menu when it is collapsed, then follows a link in it. */
export async function navigate(page: Page, name: string) {
  const toggle = page.getByRole('button', { name: 'Menu' })
  if (await toggle.isVisible()) await toggle.click()
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name }).click()
}

export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}`
