import { BeckonUIProvider } from '@beckon/ui';
import type { Decorator, Preview } from '@storybook/react-vite';
import { useEffect } from 'react';
import '../packages/ui/src/styles.css';

/** Theme and language from the toolbar (or a story's globals). */
const withThemeAndLocale: Decorator = (Story, context) => {
  const theme = context.globals.theme as string;
  const locale = context.globals.locale as string;
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.lang = locale;
  }, [theme, locale]);
  return (
    <BeckonUIProvider locale={locale}>
      <main style={{ padding: 16, background: 'var(--beckon-bg)', minHeight: 240 }}>
        <Story />
      </main>
    </BeckonUIProvider>
  );
};

const preview: Preview = {
  decorators: [withThemeAndLocale],
  globalTypes: {
    theme: {
      description: 'Color theme',
      toolbar: { title: 'Theme', items: ['light', 'dark'], dynamicTitle: true },
    },
    locale: {
      description: 'Language',
      toolbar: { title: 'Language', items: ['en', 'zh-CN', 'ja'], dynamicTitle: true },
    },
  },
  initialGlobals: { theme: 'light', locale: 'en' },
  parameters: {
    // Accessibility violations fail the story's test, in the browser and in CI.
    a11y: { test: 'error' },
    layout: 'fullscreen',
  },
};

export default preview;
