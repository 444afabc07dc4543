import { expect, test } from '@playwright/test'
import { navigate, signIn, unique, visit } from './helpers'

test('a visitor signs in with a demo account and sees their dashboard', async ({ page }) => {
  await page.goto('/')
  await expect(page.getByRole('heading', { name: /Communities, conversations/ })).toBeVisible()
  await signIn(page, 'grace')
  await expect(page.getByRole('heading', { name: 'Welcome back, Grace Hopper' })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Your communities' })).toBeVisible()
})

test('a wrong password is refused with a message', async ({ page }) => {
  await visit(page, '/signin')
  await page.getByLabel('Handle').fill('grace')
  await page.getByLabel('Password').fill('not-the-password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await expect(page.getByRole('alert')).toContainText('do not match')
})

test('create a community, see it at its address after a reload', async ({ page }) => {
  await signIn(page, 'grace')
  await navigate(page, 'Communities')
  await page.getByRole('link', { name: 'Create a community' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Create a community' })).toBeVisible()
  const name = unique('Tidepool watchers')
  await page.getByLabel('Name').fill(name)
  const slug = name.toLowerCase().replace(' ', '-')
  await expect(page.getByLabel('Address (/c/…)')).toHaveValue(slug)
  await page.getByLabel('Description').fill('Anemones, crabs and the tides')
  await page.getByLabel('Topics, separated by commas').fill('biology, sailing')
  await page.getByRole('button', { name: 'Create community' }).click()
  await expect(page).toHaveURL(new RegExp(`/c/${slug}$`))
  await page.reload()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  await expect(page.getByText('Anemones, crabs and the tides')).toBeVisible()
  await page.getByRole('button', { name: /Show the 1 members/ }).click()
  await expect(page.getByRole('list').getByText('@grace')).toBeVisible()
})

test('a taken address is refused with the field named', async ({ page }) => {
  await signIn(page, 'grace')
  await visit(page, '/communities/new')
  await page.getByLabel('Name').fill('Bad address')
  await page.getByLabel('Address (/c/…)').fill('Not Allowed!')
  await page.getByRole('button', { name: 'Create community' }).click()
  await expect(page.getByText('use lowercase letters, digits and single dashes')).toBeVisible()
})

test('search communities by name and join one', async ({ page }) => {
  await signIn(page, 'katherine')
  await navigate(page, 'Communities')
  // A community she is not in yet: its card carries no role badge.
  const notJoined = page.locator('article').filter({ hasNot: page.locator('.badge') }).first()
  const targetName = (await notJoined.locator('h3 a').textContent())!.trim()
  const target = page.locator('article h3 a', { hasText: targetName }).first()
  // Search reads the index, which the indexer fills a moment after each write.
  await expect(async () => {
    await page.getByLabel('Search communities by name').fill(targetName)
    await page.getByRole('button', { name: 'Search' }).click()
    await expect(page).toHaveURL(/\?q=/)
    await expect(target).toBeVisible({ timeout: 1000 })
  }).toPass({ timeout: 20_000 })
  await target.click()
  await page.getByRole('button', { name: 'Join community' }).click()
  await expect(page.getByRole('button', { name: 'Leave community' })).toBeVisible()
  await page.reload()
  await expect(page.getByRole('heading', { level: 1, name: targetName })).toBeVisible()
  await page.getByRole('button', { name: /Show the \d+ members/ }).click()
  await expect(page.getByRole('list').getByText('@katherine')).toBeVisible()
})

test('create a group and add a member', async ({ page }) => {
  await signIn(page, 'alan')
  await navigate(page, 'Groups')
  const name = unique('Codebreakers')
  await page.getByLabel('Group name').fill(name)
  await page.getByRole('button', { name: 'Create group' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  await page.getByLabel('Add a member by handle').fill('@grace')
  await page.getByRole('button', { name: 'Add member' }).click()
  await expect(page.getByRole('link', { name: 'Grace Hopper' })).toBeVisible()
  await page.reload()
  await expect(page.getByText('2 members')).toBeVisible()
})

test('edit my profile and see it on my public page', async ({ page }) => {
  await signIn(page, 'katherine')
  await visit(page, '/settings/profile')
  await page.getByLabel('Bio').fill('Orbital mechanics, by hand.')
  await page.getByLabel('Interests, separated by commas').fill('space, mathematics, piano')
  await page.getByRole('button', { name: 'Save profile' }).click()
  await expect(page.getByRole('status')).toContainText('saved')
  await page.getByRole('link', { name: 'View my profile' }).click()
  await expect(page.getByText('Orbital mechanics, by hand.')).toBeVisible()
  await expect(page.getByText('piano')).toBeVisible()
})

test('pages fit a 375 px screen and every button has a name', async ({ page }) => {
  await signIn(page, 'grace')
  const room = ((await (await page.request.get('/api/rooms')).json()) as { items: Array<{ id: string }> }).items[0]!.id
  for (const path of ['/', '/communities', '/groups', '/users', '/u/grace', '/u/alan', '/settings/profile', '/communities/new', '/search', '/notifications', '/chat', `/chat/${room}`, '/analytics']) {
    await visit(page, path)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow, `${path} scrolls sideways`).toBeLessThanOrEqual(0)
    for (const control of await page.locator('button, a[href], input:not([type=hidden]), select, textarea').all()) {
      if (!(await control.isVisible())) continue
      const label = await control.evaluate((el) => {
        const aria = el.getAttribute('aria-label') ?? ''
        const labelled = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent ?? '' : ''
        const wrapping = el.closest('label')?.textContent ?? ''
        return (aria || (el as HTMLElement).innerText || labelled || wrapping || el.getAttribute('title') || '').trim()
      })
      expect(label, `${path}: a control without a name`).not.toBe('')
    }
  }
})
