import { defineConfig, type Plugin } from 'vite';
import { demoConfig } from '../vite.demo.js';
import { readDemoMode } from './src/config.js';

/** A half or wrong Tencent configuration stops the build (or the dev server) with the reason. */
function tencentMode(): Plugin {
  return {
    name: 'beckon-call-demo-mode',
    configResolved(config) {
      const mode = readDemoMode(config.env);
      if (mode.kind === 'misconfigured') throw new Error(mode.message);
    },
  };
}

const base = demoConfig();
export default defineConfig({ ...base, plugins: [...(base.plugins ?? []), tencentMode()] });
