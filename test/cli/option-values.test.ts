import { expect, test } from 'vitest';
import { joinDashValues } from '../../src/cli/option-values.js';

const OPTIONS = { timeout: { type: 'string' }, output: { type: 'string', short: 'o' }, json: { type: 'boolean' } };

test.each([
  [['--timeout', '-5s'], ['--timeout=-5s']],
  [['-o', '-out.mp4', 'a.ts'], ['--output=-out.mp4', 'a.ts']],
  [['--timeout', '5s'], ['--timeout', '5s']],
  [['--json', '-o', 'x'], ['--json', '-o', 'x']],
  [['--timeout', '--', '-i'], ['--timeout', '--', '-i']],
  [['--', '--timeout', '-5s'], ['--', '--timeout', '-5s']],
  [['--timeout'], ['--timeout']],
])('%j → %j', (args, expected) => {
  expect(joinDashValues(args, OPTIONS)).toEqual(expected);
});
