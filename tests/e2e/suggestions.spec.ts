import { expect, test } from '@playwright/test'
import { signIn } from './helpers'

test('the dashboard suggests communities and people with the reason, and a suggestion can be dismissed', async ({ page }) => {
  await signIn(page, 'alan')
  const panel = page.getByRole('region', { name: 'Suggested for you' })
  // The suggester works from the event stream: on a fresh server it may need a moment.
  await expect(async () => {
    await page.reload()
    await expect(panel.getByRole('list', { name: 'Communities to join' }).getByRole('listitem').first().getByRole('button', { name: /^Dismiss suggestion/ })).toBeVisible({ timeout: 1000 })
  }).toPass({ timeout: 20_000 })

  const communities = panel.getByRole('list', { name: 'Communities to join' }).getByRole('listitem')
  const first = communities.first()
  await expect(first).toContainText(/Matches your interests?:|you talk to|from your groups/)
  const name = (await first.getByRole('link').first().textContent())!.trim()
  await first.getByRole('button', { name: `Dismiss suggestion: ${name}` }).click()
  await expect(panel.getByRole('link', { name, exact: true })).toHaveCount(0)
  await page.reload()
  await expect(panel.getByRole('button', { name: `Dismiss suggestion: ${name}` })).toHaveCount(0)

  await expect(panel.getByRole('list', { name: 'People you may know' }).getByRole('listitem').first()).toContainText(/in common|Also into|you know/)
  const next = communities.first()
  const nextName = (await next.getByRole('link').first().textContent())!.trim()
  await next.getByRole('link', { name: `Join ${nextName}` }).click()
  await expect(page.getByRole('heading', { level: 1, name: nextName })).toBeVisible()
})
