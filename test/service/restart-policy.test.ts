import { expect, test } from 'vitest';
import { DEFAULT_RESTART_ON, restartReasonFor } from '../../src/service/restart-policy.js';
import type { OutcomeReason } from '../../src/supervisor/outcome.js';

test.each<[OutcomeReason, 'host' | 'slow' | undefined, string | undefined]>([
  ['completed', undefined, 'completed'],
  ['failed', undefined, 'failed'],
  ['stalled', undefined, 'stalled'],
  ['timeout', undefined, 'timeout'],
  ['spawn_failed', undefined, 'spawn_failed'],
  ['aborted', 'slow', 'slow'],
  // The service stopped it for the host: never a restart, whatever the outcome says.
  ['aborted', 'host', undefined],
  ['stalled', 'host', undefined],
  ['completed', 'host', undefined],
  ['aborted', undefined, undefined],
  // A stall called while the slow stop was under way is still a stall.
  ['stalled', 'slow', 'stalled'],
])('outcome %s, stopped by %s → restart reason %s', (reason, stoppedBy, expected) => {
  expect(restartReasonFor(reason, stoppedBy)).toBe(expected);
});

test('by default a stall, a failure and a slow attempt restart; an ended input does not', () => {
  expect([...DEFAULT_RESTART_ON]).toEqual(['stalled', 'failed', 'slow']);
});
