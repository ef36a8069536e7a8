import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      // `server-only` throws outside the react-server condition; tests run lib/ code in plain Node.
      'server-only': fileURLToPath(new URL('./testbed/support/empty-module.ts', import.meta.url)),
      '@': fileURLToPath(new URL('./', import.meta.url)),
    },
  },
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', '.next/**', 'e2e/**', 'data/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Lab tests share one kernel; files run one after another so namespaces never collide.
    fileParallelism: false,
  },
});
