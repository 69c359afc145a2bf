import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      'testing/index': 'src/testing/index.ts',
      'testing/fake-ffmpeg-process': 'src/testing/subprocess/fake-ffmpeg-process.ts',
    },
    format: ['esm', 'cjs'],
    dts: { entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' } },
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    clean: true,
    shims: true,
    splitting: false,
  },
  {
    // The BullMQ integration imports the library by its package name, so hosts share one copy
    // of it (one registry of live runs, one RemuxError class); bullmq stays the host's.
    entry: { 'bullmq/index': 'src/integrations/bullmq/index.ts' },
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { baseUrl: '.', paths: { 'ffmpeg-supervisor': ['./src/index.ts'] } } },
    external: ['ffmpeg-supervisor', 'bullmq'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    clean: false,
    splitting: false,
  },
  {
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    clean: false,
    splitting: false,
    banner: { js: '#!/usr/bin/env node' },
  },
]);
