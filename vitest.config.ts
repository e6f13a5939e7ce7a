import { defineConfig } from 'vitest/config'
import { bridgeClientVitePlugin } from './scripts/bridge-client-bundle.mjs'

export default defineConfig({
  // The web bridge imports its browser script as a bundled text module.
  plugins: [bridgeClientVitePlugin()],
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/temp-root.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Browser tests start Chromium and the web bridge; two cores cannot run many at once.
    maxWorkers: 2,
  },
})
