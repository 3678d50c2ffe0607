import type { StorybookConfig } from '@storybook/react-vite';

const config: StorybookConfig = {
  stories: ['../packages/ui/src/**/*.stories.tsx'],
  addons: ['@storybook/addon-a11y', '@storybook/addon-vitest', '@storybook/addon-docs'],
  framework: { name: '@storybook/react-vite', options: {} },
  core: { disableTelemetry: true },
  // Workspace packages resolve to their TypeScript sources, as in tests.
  viteFinal: async (config) => {
    const { defaultClientConditions } = await import('vite');
    config.resolve ??= {};
    config.resolve.conditions = ['source', ...defaultClientConditions];
    return config;
  },
};

export default config;
