import { defineConfig } from 'vite';
import { demoConfig } from '../vite.demo.js';

export default defineConfig(demoConfig());
