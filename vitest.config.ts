import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript sources (see the '@glimpse/source' export condition).
  resolve: { conditions: ['@glimpse/source'] },
  ssr: { resolve: { conditions: ['@glimpse/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tools/**/*.test.ts'],
    // CI has 2 cores; fork per file so one heavy file does not starve the rest.
    pool: 'forks',
    testTimeout: 60_000,
  },
});
