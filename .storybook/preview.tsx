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

/** The sizes the visual tests check: a phone, a laptop, a desktop. */
const VIEWPORTS = {
  phone: { name: 'Phone 390x844', styles: { width: '390px', height: '844px' }, type: 'mobile' },
  phoneLandscape: {
    name: 'Phone landscape 844x390',
    styles: { width: '844px', height: '390px' },
    type: 'mobile',
  },
  small: { name: 'Small phone 360x640', styles: { width: '360px', height: '640px' }, type: 'mobile' },
  laptop: { name: 'Laptop 1366x768', styles: { width: '1366px', height: '768px' }, type: 'desktop' },
  desktop: { name: 'Desktop 1920x1080', styles: { width: '1920px', height: '1080px' }, type: 'desktop' },
} as const;

const preview: Preview = {
  // A docs page for every component, from its TSDoc and props.
  tags: ['autodocs'],
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
    viewport: { options: VIEWPORTS },
  },
};

export default preview;
