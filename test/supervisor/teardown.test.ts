import FakeTimers from '@sinonjs/fake-timers';
import { expect, test } from 'vitest';
import { validateClock } from '../../src/supervisor/clock.js';
import { Teardown } from '../../src/supervisor/teardown.js';

test('one call removes every timer and cleanup; a cleared or fired timer leaves nothing behind', () => {
  const fake = FakeTimers.createClock(0);
  const teardown = new Teardown(validateClock(fake));
  const fired: string[] = [];
  teardown.setTimer(() => fired.push('early'), 10);
  const clearLate = teardown.setTimer(() => fired.push('cleared'), 20);
  teardown.setTimer(() => fired.push('never'), 1_000);
  const cleaned: string[] = [];
  teardown.defer(() => cleaned.push('listener removed'));
  fake.tick(10);
  clearLate();
  expect(fake.countTimers()).toBe(1);
  teardown.run();
  teardown.run();
  expect(fake.countTimers()).toBe(0);
  fake.tick(2_000);
  expect(fired).toEqual(['early']);
  expect(cleaned).toEqual(['listener removed']);
  expect(teardown.done).toBe(true);
  teardown.defer(() => cleaned.push('after teardown: at once'));
  expect(cleaned).toEqual(['listener removed', 'after teardown: at once']);
});
