import { getEventListeners } from 'node:events';
import { expect, test } from 'vitest';
import { onAbort } from '../../src/supervisor/abort-fanout.js';

test('many subscribers share one listener; each is called once on abort', () => {
  const controller = new AbortController();
  const calls: number[] = [];
  for (let index = 0; index < 50; index += 1) onAbort(controller.signal, () => calls.push(index));
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
  controller.abort();
  controller.abort();
  expect(calls).toHaveLength(50);
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
});

test('the listener goes when the last subscriber leaves, and comes back for a new one', () => {
  const controller = new AbortController();
  const leaveA = onAbort(controller.signal, () => {});
  const leaveB = onAbort(controller.signal, () => {});
  leaveA();
  leaveA(); // idempotent
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
  leaveB();
  expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  let called = false;
  onAbort(controller.signal, () => (called = true));
  controller.abort();
  expect(called).toBe(true);
});

test('a subscriber that leaves during the abort does not stop the others', () => {
  const controller = new AbortController();
  const calls: string[] = [];
  let leaveB = (): void => {};
  onAbort(controller.signal, () => {
    calls.push('a');
    leaveB();
  });
  leaveB = onAbort(controller.signal, () => calls.push('b'));
  controller.abort();
  expect(calls).toEqual(['a', 'b']);
});
