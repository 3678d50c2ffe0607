import { existsSync } from 'node:fs';
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin';
import { playwright } from '@vitest/browser-playwright';
import { defaultClientConditions } from 'vite';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { CHROMIUM, CHROMIUM_ARGS, CHROMIUM_MEDIA_ARGS } from './scripts/chromium.js';

// Browser tests never skip silently in CI: a missing Chromium fails the run with the reason.
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) {
  throw new Error(`CI needs Chromium at ${CHROMIUM} for the Storybook tests: apt-get install -y chromium`);
}
if (!haveChromium) {
  console.warn(
    `Chromium not found at ${CHROMIUM}: the Storybook browser tests are not run (apt-get install -y chromium)`,
  );
}

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.{ts,tsx}',
            'packages/*/test/**/*.test.{ts,tsx}',
            'apps/*/src/**/*.test.{ts,tsx}',
            'apps/*/e2e/**/*.test.ts',
            // The reference model, run against every runner.
            'test/**/*.test.ts',
            'scripts/**/*.test.ts',
          ],
          // Browser-only tests run in the 'media' project, in Chromium.
          exclude: [
            '**/node_modules/**',
            '**/*.browser.test.ts',
            '**/*.visual.test.tsx',
            // Cluster-only: runs in the redis-cluster project below.
            'packages/server/test/redis/clusterFailover.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        // The Redis suites again, on a local Redis Cluster of six redis-servers that each test
        // file starts and removes (packages/server/test/redis/cluster.ts). The outage suite stays
        // on its private single Redis (FLUSHALL, CLIENT PAUSE, restart).
        extends: true,
        test: {
          name: 'redis-cluster',
          include: ['packages/server/test/redis/*.test.ts', 'test/model/redis.test.ts'],
          exclude: ['**/node_modules/**', 'packages/server/test/redis/outage.test.ts'],
          environment: 'node',
          env: { BECKON_TEST_REDIS: 'cluster' },
        },
      },
      ...(haveChromium ? [storybookProject()] : []),
      ...(haveChromium ? [mediaProject()] : []),
      ...(haveChromium ? [visualProject()] : []),
    ],
  },
});

function storybookProject(): TestProjectInlineConfiguration {
  return {
    extends: true,
    plugins: [storybookTest({ configDir: '.storybook' })],
    resolve: { conditions: ['source', ...defaultClientConditions] },
    test: {
      name: 'storybook',
      // Stories wait for conditions; this only bounds a story that never gets there (the
      // thousand-hand story needs seconds on a loaded 2-core machine, where 15 s was too little).
      testTimeout: 90_000,
      browser: {
        enabled: true,
        headless: true,
        provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS } }),
        instances: [{ browser: 'chromium' }],
      },
    },
  };
}

/** @beckon/media's real WebRTC tests: fake camera and microphone, peers on the loopback interface. */
function mediaProject(): TestProjectInlineConfiguration {
  return {
    extends: true,
    resolve: { conditions: ['source', ...defaultClientConditions] },
    // Pre-bundled up front: discovering it mid-run makes Vite reload the page under the tests.
    optimizeDeps: { include: ['@beckon/media > trtc-sdk-v5'] },
    test: {
      name: 'media',
      include: ['packages/media/src/**/*.browser.test.ts'],
      testTimeout: 30_000,
      browser: {
        enabled: true,
        headless: true,
        provider: playwright({ launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_MEDIA_ARGS } }),
        instances: [{ browser: 'chromium' }],
      },
    },
  };
}

/**
 * Visual regression: key stories at phone, laptop and desktop sizes, compared with reference
 * screenshots taken in the same Debian Chromium (`__screenshots__/` beside the test).
 */
function visualProject(): TestProjectInlineConfiguration {
  return {
    extends: true,
    resolve: { conditions: ['source', ...defaultClientConditions] },
    test: {
      name: 'visual',
      include: ['packages/ui/src/**/*.visual.test.tsx'],
      testTimeout: 30_000,
      browser: {
        enabled: true,
        headless: true,
        // Room for the largest size tested, so the test frame is never scaled down.
        provider: playwright({
          launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
          contextOptions: { viewport: { width: 1920, height: 1080 } },
        }),
        instances: [{ browser: 'chromium' }],
      },
    },
  };
}
