import { defineConfig } from 'vitest/config';

/** `npm run test:pack`: pack the package, install the tarball from a fresh cache, use it. Needs dist/ and the registry. */
export default defineConfig({
  test: {
    include: ['test/pack/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
