import { expect, test } from '@playwright/test'
import { signIn, unique, visit } from './helpers'

test('the header\'s search box opens one search over posts, communities, people and my own messages', async ({ page, baseURL }) => {
  await signIn(page, 'grace')
  const word = unique('quokka').replace('-', '')
  const room = await (await page.request.post('/api/rooms/direct', { data: { handles: ['alan'] }, headers: { origin: baseURL! } })).json() as { id: string }
  expect((await page.request.post(`/api/rooms/${room.id}/messages`, { data: { body: `Did you see the ${word} at the harbour?` }, headers: { origin: baseURL! } })).status()).toBe(201)

  await visit(page, '/communities')
  await page.getByLabel('Search everything').fill(word)
  await page.getByRole('button', { name: 'Find' }).click()
  await expect(page).toHaveURL(new RegExp(`/search\\?q=${word}`))
  await expect(page.getByRole('heading', { level: 1, name: 'Search' })).toBeVisible()

  // Messages are searched through the index, which the indexer fills a moment after the write.
  await page.getByRole('navigation', { name: 'What to search' }).getByRole('link', { name: 'My messages' }).click()
  await expect(page).toHaveURL(/type=messages/)
  await expect(async () => {
    await page.reload()
    await expect(page.getByRole('article').filter({ hasText: 'at the harbour' })).toBeVisible({ timeout: 1000 })
  }).toPass({ timeout: 15_000 })
  await expect(page.getByRole('article').locator('mark')).toHaveText(word)

  await page.getByRole('navigation', { name: 'What to search' }).getByRole('link', { name: 'People' }).click()
  await page.getByLabel('Words to find').fill('Turing')
  await page.getByRole('button', { name: 'Search people' }).click()
  await expect(page.getByRole('link', { name: 'Alan Turing' })).toBeVisible()

  const tabs = page.getByRole('navigation', { name: 'What to search' })
  await tabs.getByRole('link', { name: 'Communities' }).click()
  await expect(page).toHaveURL(/type=communities/)
  await expect(tabs.getByRole('link', { name: 'Communities' })).toHaveAttribute('aria-current', 'page')
  await expect(page.getByRole('button', { name: 'Search communities' })).toBeVisible()
})
