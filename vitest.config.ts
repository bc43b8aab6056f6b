import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

// unit: pure and fast, in parallel. integration: real kernel, real SQLite, real socket, real accounts — one file at
// a time because BPF programs, test accounts and the disk are machine-wide. e2e: the renderer in Debian's chromium.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/unit/**/*.test.ts'],
          exclude: ['test/unit/renderer/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          // after the unit tests, alone: measurements (bandwidth, latency) must not compete with other tests
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [vue()],
        test: {
          name: 'renderer',
          sequence: { groupOrder: 0 },
          include: ['test/unit/renderer/**/*.test.ts'],
          environment: 'happy-dom',
        },
      },
      {
        test: {
          name: 'e2e',
          // last: builds the renderer, starts a real helper (root, BPF) and drives chromium
          sequence: { groupOrder: 2 },
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
