import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000, // 30 s: crash tests start real processes
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
