import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    // test/pack/ installs the packed tarball from the registry: `npm run test:pack` (vitest.pack.config.ts).
    exclude: ['node_modules/**', 'dist/**', 'test/pack/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
