import { defineConfig } from 'vitest/config';

const conditions = ['@pxekit/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    benchmark: { include: ['benchmarks/**/*.bench.ts'] },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/{src,test}/**/*.test.ts'],
          exclude: ['**/*.lab.test.ts', '**/node_modules/**'],
        },
      },
      {
        // Lab tests meet real third-party peers inside network namespaces. They share one
        // machine's kernel, so they run one file at a time.
        extends: true,
        test: {
          name: 'lab',
          include: ['packages/*/test/**/*.lab.test.ts'],
          fileParallelism: false,
          // Installs the lab's Debian packages once and sweeps namespaces left by crashed runs.
          globalSetup: ['packages/testkit/src/lab/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
