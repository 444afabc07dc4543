import { type Browser, type Page, devices, expect, test } from '@playwright/test'
import { signIn, unique, visit } from './helpers'

/** One person in their own browser context: their own cookies and their own live connection. */
async function person(browser: Browser, handle: string): Promise<Page> {
  const context = await browser.newContext({ ...devices['Pixel 7'], viewport: { width: 375, height: 740 }, baseURL: test.info().project.use.baseURL })
  const page = await context.newPage()
  await signIn(page, handle)
  return page
}

test('a followed person\'s new post is announced on my dashboard without a reload, and shown when I ask', async ({ browser }) => {
  const katherine = await person(browser, 'katherine')
  const alan = await person(browser, 'alan')

  await visit(katherine, '/u/alan')
  await katherine.getByRole('button', { name: 'Follow', exact: true }).click()
  await expect(katherine.getByRole('button', { name: 'Unfollow' })).toBeVisible()

  await visit(katherine, '/')
  await expect(katherine.getByRole('heading', { name: 'Your feed' })).toBeVisible()
  // The home room is followed: from here on a new post cannot slip by unannounced.
  await expect(katherine.locator('section[aria-busy="false"]')).toBeAttached()

  const name = unique('Running club')
  await visit(alan, '/communities/new')
  await alan.getByLabel('Name').fill(name)
  await alan.getByRole('button', { name: 'Create community' }).click()
  await expect(alan.getByRole('heading', { level: 1, name })).toBeVisible()
  const title = unique('Ten miles before breakfast')
  await alan.getByLabel('Title').fill(title)
  await alan.getByLabel('Post (markdown)').fill('A fine morning for it.')
  await alan.getByRole('button', { name: 'Publish post' }).click()
  await expect(alan.getByRole('article', { name: title })).toBeVisible()

  // A bar, not a jump: the post shows only once asked for.
  const bar = katherine.getByRole('button', { name: '1 new post' })
  await expect(bar).toBeVisible()
  await expect(katherine.getByRole('article', { name: title })).toHaveCount(0)
  await bar.click()
  await expect(katherine.getByRole('article', { name: title })).toBeVisible()
  await expect(bar).toBeHidden()

  // Leave katherine as she was for the other specs.
  await visit(katherine, '/u/alan')
  await katherine.getByRole('button', { name: 'Unfollow' }).click()
  await expect(katherine.getByRole('button', { name: 'Follow', exact: true })).toBeVisible()
})
