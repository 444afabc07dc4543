import { expect, test } from '@playwright/test'
import { signIn, unique, visit } from './helpers'

async function newCommunity(page: import('@playwright/test').Page, name: string, needsApproval: boolean) {
  await visit(page, '/communities/new')
  await page.getByLabel('Name').fill(name)
  if (needsApproval) await page.getByLabel(/approval/i).check()
  await page.getByRole('button', { name: 'Create community' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  return page.url().split('/c/')[1]!
}

async function join(page: import('@playwright/test').Page, slug: string) {
  await visit(page, `/c/${slug}`)
  await page.getByRole('button', { name: 'Join community' }).click()
  await expect(page.getByRole('button', { name: 'Leave community' })).toBeVisible()
}

async function publish(page: import('@playwright/test').Page, title: string, body: string) {
  await page.getByLabel('Title').fill(title)
  await page.getByLabel('Post (markdown)').fill(body)
  await page.getByRole('button', { name: 'Publish post' }).click()
}

test('a moderator approves a pending post from the queue', async ({ browser }) => {
  const moderator = await browser.newPage()
  const author = await browser.newPage()
  await signIn(moderator, 'grace')
  const slug = await newCommunity(moderator, unique('Lock keepers'), true)
  await signIn(author, 'alan')
  await join(author, slug)

  const title = unique('Gate seven sticks')
  await publish(author, title, 'It needs grease before the weekend.')
  const card = author.getByRole('article', { name: title })
  await expect(card).toBeVisible()
  await expect(card.getByText('Pending approval')).toBeVisible()

  await visit(moderator, `/c/${slug}`)
  await moderator.getByRole('link', { name: 'Moderation queue' }).click()
  await expect(moderator.getByRole('heading', { level: 1, name: 'Moderation queue' })).toBeVisible()
  const item = moderator.getByRole('article', { name: title })
  await expect(item.getByText('Awaiting approval')).toBeVisible()
  await item.getByRole('button', { name: `Approve “${title}”` }).click()
  await expect(moderator.getByRole('status')).toHaveText('Nothing waits for a decision.')

  await author.reload()
  await expect(author.getByRole('article', { name: title })).toBeVisible()
  await expect(author.getByRole('article', { name: title }).getByText('Pending approval')).toHaveCount(0)
  await expect(async () => {
    await visit(author, '/notifications')
    await expect(author.getByRole('link', { name: /was approved/ })).toBeVisible({ timeout: 1000 })
  }).toPass({ timeout: 15_000 })
})

test('an abusive post is flagged within seconds and the moderator removes it with a reason', async ({ browser }) => {
  const moderator = await browser.newPage()
  const author = await browser.newPage()
  await signIn(moderator, 'grace')
  const slug = await newCommunity(moderator, unique('Canal talk'), false)
  await signIn(author, 'katherine')
  await join(author, slug)

  const title = unique('Towpath rant')
  await publish(author, title, 'The new barge owners are total a$$holes.')
  await expect(author.getByRole('article', { name: title })).toBeVisible()
  const postedAt = Date.now()
  await expect(async () => {
    await visit(moderator, `/c/${slug}/moderation`)
    await expect(moderator.getByRole('article', { name: title })).toBeVisible({ timeout: 500 })
  }).toPass({ timeout: 10_000 })
  expect(Date.now() - postedAt).toBeLessThan(10_000)
  const item = moderator.getByRole('article', { name: title })
  await expect(item.getByRole('list', { name: 'Why it was flagged' })).toContainText('Content analysis: profanity')
  await expect(item.getByText('Hidden: flagged for the moderators')).toBeVisible()

  // The queue with its open forms fits a phone, and every control has a name.
  await item.getByRole('button', { name: 'Mute or ban Katherine Johnson' }).click()
  await moderator.getByRole('button', { name: 'Moderation settings' }).click()
  expect(await moderator.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
  for (const control of await moderator.locator('main button, main a[href], main input, main select, main textarea').all()) {
    const name = await control.evaluate(el => (el.getAttribute('aria-label') || (el as HTMLElement).innerText || el.closest('label')?.textContent || '').trim())
    expect(name).not.toBe('')
  }
  await item.getByRole('button', { name: 'Mute or ban Katherine Johnson' }).click()
  await item.getByRole('button', { name: `Remove “${title}”` }).click()
  await item.getByLabel('Reason for removing').fill('Name-calling is not allowed here')
  await item.getByRole('button', { name: 'Confirm removal' }).click()
  await expect(moderator.getByRole('article', { name: title })).toHaveCount(0)

  await visit(author, `/c/${slug}`)
  await expect(author.getByRole('article', { name: title })).toHaveCount(0)
})

test('a member reports a post with a reason', async ({ browser }) => {
  const author = await browser.newPage()
  const reader = await browser.newPage()
  await signIn(author, 'alan')
  const slug = await newCommunity(author, unique('Quay notices'), false)
  const title = unique('Mooring rules')
  await publish(author, title, 'Read before tying up.')
  await expect(author.getByRole('article', { name: title })).toBeVisible()
  await signIn(reader, 'katherine')
  await visit(reader, `/c/${slug}`)
  await reader.getByRole('link', { name: title }).click()
  await expect(reader.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await reader.getByRole('button', { name: 'Report post' }).click()
  await reader.getByLabel('Why are you reporting this post?').fill('Copied from another site')
  await reader.getByRole('button', { name: 'Send report' }).click()
  await expect(reader.getByRole('status').filter({ hasText: 'the moderators will look at your report' })).toBeVisible()
  await expect(async () => {
    await visit(author, `/c/${slug}/moderation`)
    await expect(author.getByRole('article', { name: title }).getByRole('list', { name: 'Why it was flagged' })).toContainText('Copied from another site (by @katherine)', { timeout: 500 })
  }).toPass({ timeout: 10_000 })
})
