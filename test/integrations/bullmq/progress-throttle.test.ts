import FakeTimers from '@sinonjs/fake-timers';
import { expect, test } from 'vitest';
import { toJobProgress } from '../../../src/integrations/bullmq/job-progress.js';
import { resolveJobProcessorOptions } from '../../../src/integrations/bullmq/options.js';
import { ProgressThrottle } from '../../../src/integrations/bullmq/progress-throttle.js';

/** Lets the throttle's publish chain (promise reactions) run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

function setup(intervalMs = 1_000) {
  const clock = FakeTimers.createClock();
  const published: Array<{ at: number; value: number }> = [];
  const throttle = new ProgressThrottle<number>((value) => published.push({ at: clock.now, value }), { intervalMs, clock });
  return { clock, published, throttle };
}

test('the first value is published at once; later ones in the interval are held, the latest published when it ends', async () => {
  const { clock, published, throttle } = setup();
  throttle.push(1);
  await settle();
  expect(published).toEqual([{ at: 0, value: 1 }]);
  for (const value of [2, 3, 4]) {
    clock.tick(200);
    throttle.push(value);
  }
  clock.tick(399); // t = 999: still inside the interval
  await settle();
  expect(published).toHaveLength(1);
  clock.tick(1); // t = 1000: exactly one interval after the first publish
  await settle();
  expect(published).toEqual([{ at: 0, value: 1 }, { at: 1_000, value: 4 }]);
});

test('never more than one publish per interval over a long run of pushes every 50 ms', async () => {
  const { clock, published, throttle } = setup();
  for (let t = 0; t <= 10_000; t += 50) {
    throttle.push(t);
    clock.tick(50);
    await settle();
  }
  await throttle.flush();
  const gaps = published.slice(1).map((entry, index) => entry.at - (published[index] as { at: number }).at);
  expect(Math.min(...gaps.slice(0, -1))).toBeGreaterThanOrEqual(1_000);
  expect(published.length).toBeGreaterThanOrEqual(10);
  expect(published.length).toBeLessThanOrEqual(12);
  expect(published.at(-1)?.value).toBe(10_000); // the last state arrives
});

test('a push after a quiet interval is published at once', async () => {
  const { clock, published, throttle } = setup(500);
  throttle.push(1);
  clock.tick(2_000);
  throttle.push(2);
  await settle();
  expect(published).toEqual([{ at: 0, value: 1 }, { at: 2_000, value: 2 }]);
});

test('flush publishes the held value now and waits for it; dispose drops it and leaves no timer', async () => {
  const { clock, published, throttle } = setup();
  throttle.push(1);
  clock.tick(10);
  throttle.push(2);
  await throttle.flush();
  expect(published.map((entry) => entry.value)).toEqual([1, 2]);

  const second = setup();
  second.throttle.push(1);
  second.clock.tick(10);
  second.throttle.push(2);
  await second.throttle.dispose();
  second.throttle.push(3);
  expect(second.clock.countTimers()).toBe(0);
  second.clock.tick(5_000);
  await settle();
  expect(second.published.map((entry) => entry.value)).toEqual([1]);
});

test('publishes are serial and a failing publish is dropped, not thrown', async () => {
  const clock = FakeTimers.createClock();
  let inFlight = 0;
  let maxInFlight = 0;
  const calls: number[] = [];
  const throttle = new ProgressThrottle<number>(
    async (value) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls.push(value);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      if (value === 1) throw new Error('redis hiccup');
    },
    { intervalMs: 0, clock },
  );
  throttle.push(1);
  throttle.push(2);
  throttle.push(3);
  await throttle.flush();
  expect(calls).toEqual([1, 2, 3]);
  expect(maxInFlight).toBe(1);
});

test('the job progress payload: percent to one decimal, strategy, media time, speed; nothing undefined', () => {
  const block = { outTimeUs: 12_500_000, percent: 41.666, speed: 2.5, frame: 300, fps: 25, totalSize: 1, bitrateKbps: 1, done: false, raw: {} };
  expect(toJobProgress({ ...block, strategy: 'fallback' })).toEqual({ percent: 41.7, strategy: 'fallback', outTimeUs: 12_500_000, speed: 2.5 });
  expect(toJobProgress({ ...block, percent: undefined, speed: undefined })).toEqual({ outTimeUs: 12_500_000 });
});

test.each([
  [{ progressIntervalMs: -1 }, /progressIntervalMs.*-1/],
  [{ progressIntervalMs: '1s' }, /progressIntervalMs.*"1s"/],
  [{ stderrLines: 2.5 }, /stderrLines.*2\.5/],
  [{ clock: {} }, /clock/],
])('options are checked eagerly: %j', (options, message) => {
  expect(() => resolveJobProcessorOptions(options as never)).toThrow(TypeError);
  expect(() => resolveJobProcessorOptions(options as never)).toThrow(message);
});
