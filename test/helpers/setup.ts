import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

// The CLI keeps probed capabilities in the user's cache directory: tests use their own.
const cacheHome = mkdtempSync(join(tmpdir(), 'ffsup-test-cache-'));
process.env.XDG_CACHE_HOME = cacheHome;

// Warnings (MaxListeners, unhandled rejections, deprecations) fail the suite.
const warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};

beforeAll(() => {
  process.on('warning', onWarning);
});

afterAll(() => {
  process.off('warning', onWarning);
  rmSync(cacheHome, { recursive: true, force: true });
  if (warnings.length > 0) {
    throw new Error(`Process warnings during this file:\n${warnings.map((w) => `${w.name}: ${w.message}`).join('\n')}`);
  }
});
