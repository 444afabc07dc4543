import { expect, test } from '@playwright/test'
import { signIn, unique, visit } from './helpers'

async function newCommunity(page: import('@playwright/test').Page, name: string) {
  await visit(page, '/communities/new')
  await page.getByLabel('Name').fill(name)
  await page.getByRole('button', { name: 'Create community' }).click()
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
}

test('post, reply, react, edit with history, and find it by search', async ({ page }) => {
  await signIn(page, 'grace')
  const name = unique('Lighthouse logs')
  await newCommunity(page, name)
  const title = unique('Lamp relit')
  await page.getByLabel('Title').fill(title)
  await page.getByLabel('Post (markdown)').fill('The **lamp** works again. <script>document.title="pwned"</script>')
  await page.getByLabel('Tags, separated by commas (optional)').fill('maintenance')
  await page.getByRole('button', { name: 'Publish post' }).click()
  const card = page.getByRole('article', { name: title })
  await expect(card).toBeVisible()
  await page.reload()
  await expect(page.getByRole('article', { name: title })).toBeVisible()
  await expect(page.getByRole('article', { name: title }).locator('strong')).toHaveText('lamp')
  await expect(page.getByText('<script>document.title="pwned"</script>')).toBeVisible()
  expect(await page.title()).not.toBe('pwned')

  await page.getByRole('link', { name: title }).click()
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await page.getByLabel('Your reply', { exact: true }).fill('Checked the lens too.')
  await page.getByRole('button', { name: 'Send reply' }).click()
  await expect(page.getByText('Checked the lens too.')).toBeVisible()
  await page.getByRole('button', { name: 'Reply to Grace Hopper' }).click()
  await page.getByLabel('Your reply to Grace Hopper', { exact: true }).fill('And the clockwork.')
  await page.getByRole('button', { name: 'Send reply' }).last().click()
  await expect(page.getByText('And the clockwork.')).toBeVisible()
  await expect(page.getByText('2 replies')).toBeVisible()

  await page.getByRole('button', { name: 'Like (0)' }).first().click()
  await expect(page.getByRole('button', { name: 'Like (1)' }).first()).toHaveAttribute('aria-pressed', 'true')

  await page.getByRole('button', { name: 'Edit post' }).click()
  await page.getByLabel('Post (markdown)').fill('The lamp works again, and the lens is clean.')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByText('and the lens is clean.')).toBeVisible()
  await page.reload()
  await expect(page.getByText('and the lens is clean.')).toBeVisible()
  await page.getByRole('link', { name: /edited \(2 versions\)/ }).click()
  await expect(page.getByRole('heading', { name: 'Version 1' })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Version 2' })).toBeVisible()

  const word = title.split('-').at(-1)!
  await expect(async () => {
    await visit(page, `/search?q=${word}`)
    await expect(page.getByRole('status')).toHaveText('1 result')
  }).toPass({ timeout: 15_000 })
  await expect(page.locator('mark').first()).toBeVisible()
})

test('a member hears of a new post and reads it from the notifications page', async ({ browser }) => {
  const author = await browser.newPage()
  const reader = await browser.newPage({ storageState: undefined })
  await signIn(author, 'alan')
  const name = unique('Morse code')
  await newCommunity(author, name)
  const slug = author.url().split('/c/')[1]!
  await signIn(reader, 'katherine')
  await visit(reader, `/c/${slug}`)
  await reader.getByRole('button', { name: 'Join community' }).click()
  await expect(reader.getByRole('button', { name: 'Leave community' })).toBeVisible()

  const title = unique('Dots and dashes')
  await author.getByLabel('Title').fill(title)
  await author.getByLabel('Post (markdown)').fill('Practice tonight')
  await author.getByRole('button', { name: 'Publish post' }).click()
  await expect(author.getByRole('article', { name: title })).toBeVisible()

  await expect(async () => {
    await visit(reader, '/notifications')
    await expect(reader.getByRole('link', { name: new RegExp(title) })).toBeVisible({ timeout: 1000 })
  }).toPass({ timeout: 15_000 })
  await reader.getByRole('link', { name: new RegExp(title) }).click()
  await expect(reader.getByRole('heading', { level: 1, name: title })).toBeVisible()
})
