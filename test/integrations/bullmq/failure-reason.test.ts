import { expect, test } from 'vitest';
import { formatFailureReason, kindOfFailureReason, lastLines } from '../../../src/integrations/bullmq/failure-reason.js';

test.each([
  ['a\nb\nc\n', 2, ['b', 'c']],
  ['a\r\n\r\nb\rc', 5, ['a', 'b', 'c']],
  ['  \n\n', 3, []],
  ['a\nb', 0, []],
])('lastLines(%j, %i)', (text, count, lines) => {
  expect(lastLines(text, count)).toEqual(lines);
});

test('a very long line is cut', () => {
  expect(lastLines('x'.repeat(400), 1)[0]).toBe(`${'x'.repeat(300)}…`);
});

test('the reason starts with the kind, which can be read back', () => {
  const reason = formatFailureReason('timeout', 'ffmpeg timed out after 100 ms', '[error] Conversion failed!\n', 10);
  expect(reason).toBe('timeout: ffmpeg timed out after 100 ms\n--- ffmpeg stderr (last 1 lines) ---\n[error] Conversion failed!');
  expect(kindOfFailureReason(reason)).toBe('timeout');
  expect(formatFailureReason('bad_input', 'no such file', '', 10)).toBe('bad_input: no such file');
  expect(kindOfFailureReason('job stalled more than allowable limit')).toBeUndefined();
});
