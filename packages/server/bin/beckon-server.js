#!/usr/bin/env node
// Runs the built CLI (`pnpm build` first). In this repository, `pnpm server` runs it from source.
import '../dist/cli.js';
