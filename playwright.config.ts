import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { defineConfig, devices } from '@playwright/test'

// Playwright cannot download its own browser here: Debian's Chromium runs the tests.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const port = Number(process.env.E2E_PORT ?? 3217)
const baseURL = `http://127.0.0.1:${port}`
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'c18n-e2e-'))
process.env.E2E_DATA_DIR = dataDir
// A real OpenID Provider on loopback stands in for Okta (tests/support/oidc-provider.mjs).
const oidcPort = Number(process.env.E2E_OIDC_PORT ?? port + 1)
const oidcIssuer = `http://127.0.0.1:${oidcPort}`
process.env.E2E_OIDC_ISSUER = oidcIssuer
const oidcClient = { OIDC_CLIENT_ID: 'c18n-e2e-client', OIDC_CLIENT_SECRET: 'c18n-e2e-client-secret-not-for-production' }

export default defineConfig({
  testDir: 'tests/e2e',
  // A stray test.only left in a commit would silently skip the rest of the suite in CI.
  forbidOnly: !!process.env.CI,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
    },
  },
  projects: [
    { name: 'phone', use: { ...devices['Pixel 7'], browserName: 'chromium', viewport: { width: 375, height: 740 } } },
  ],
  webServer: [{
    command: 'node tests/support/oidc-provider.mjs',
    url: `${oidcIssuer}/.well-known/openid-configuration`,
    reuseExistingServer: false,
    timeout: 30_000,
    env: { OIDC_PORT: String(oidcPort), APP_URL: baseURL, ...oidcClient },
  }, {
    command: 'node .output/server/index.mjs',
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      PORT: String(port), HOST: '127.0.0.1', AUTH_ORIGIN: `${baseURL}/api/auth`, C18N_DATA_DIR: dataDir, AUTH_SECRET: 'e2e-secret-not-for-production',
      OKTA_ISSUER: oidcIssuer, OKTA_CLIENT_ID: oidcClient.OIDC_CLIENT_ID, OKTA_CLIENT_SECRET: oidcClient.OIDC_CLIENT_SECRET, OKTA_ALLOWED_DOMAINS: 'okta.test', C18N_LOCAL_ACCOUNTS: 'true',
      // The specs sign the demo people in over and over from one address; the limit has tests of its own.
      C18N_RATE_LIMIT_SIGNIN: '400/300',
    },
  }],
})
