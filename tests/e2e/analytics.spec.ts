import { expect, test } from '@playwright/test'
import { signIn, unique, visit } from './helpers'

test('a community owner sees live and historical charts of their community, with text alternatives, on a phone', async ({ page }) => {
  await signIn(page, 'grace')
  const name = unique('Tide tables')
  await visit(page, '/communities/new')
  await page.getByLabel('Name').fill(name)
  await page.getByRole('button', { name: 'Create community' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  const slug = page.url().split('/c/')[1]!
  await page.getByLabel('Title').fill('High water at noon')
  await page.getByLabel('Post (markdown)').fill('Spring tide today.')
  await page.getByRole('button', { name: 'Publish post' }).click()
  await expect(page.getByRole('article', { name: 'High water at noon' })).toBeVisible()

  await page.getByRole('link', { name: 'Analytics' }).click()
  await expect(page.getByRole('heading', { level: 1, name: `Analytics of ${name}` })).toBeVisible()
  for (const chart of ['Activity over time', 'The last hour', 'Trending now', 'Member growth', 'Retention cohorts', 'Reaction mix']) {
    await expect(page.getByRole('heading', { level: 3, name: chart })).toBeVisible()
  }
  await expect(page.getByText(/Batch views up to .* UTC, live after that\./)).toBeVisible()
  await expect(page.getByText('1 action in the last hour')).toBeVisible()
  await expect(page.getByText('“High water at noon” is trending most.')).toBeVisible()
  await expect(page.getByRole('img', { name: /^Activity over time: 1 posts/ })).toBeVisible()
  await expect(page.locator('figure canvas').first()).toBeVisible()
  await expect(page.getByText('Online: @grace')).toBeVisible()

  // The text alternative: the chart's data as a table.
  await page.getByText('Activity over time as a table').click()
  await expect(page.getByRole('columnheader', { name: 'Active people' }).first()).toBeVisible()

  // Live: another post lands in the speed layer and the open dashboard moves without a reload.
  // A write from the test names the page's origin, as the app's own requests do (the CSRF check).
  const posted = await page.request.post(`/api/communities/${slug}/posts`, { data: { title: 'Low water at six', body: 'Neap tide next.', tags: [] }, headers: { origin: new URL(page.url()).origin } })
  expect(posted.status()).toBe(201)
  await expect(page.getByText('2 actions in the last hour')).toBeVisible({ timeout: 15_000 })

  // Nothing wider than the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375)
})

test('a member sees summaries; the site page is there for everyone signed in', async ({ page }) => {
  await signIn(page, 'alan')
  await visit(page, '/analytics')
  await expect(page.getByRole('heading', { level: 1, name: 'Site analytics' })).toBeVisible()
  await expect(page.getByText('Summaries only.')).toBeVisible()
  await expect(page.getByRole('heading', { level: 3, name: 'Activity over time' })).toBeVisible()
  await expect(page.getByRole('heading', { level: 3, name: 'Retention cohorts' })).toHaveCount(0)
})
