import { afterAll, beforeAll } from 'vitest';

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
  if (warnings.length > 0) {
    throw new Error(`Process warnings during this file:\n${warnings.map((w) => `${w.name}: ${w.message}`).join('\n')}`);
  }
});
