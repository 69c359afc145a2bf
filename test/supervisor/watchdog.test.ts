import FakeTimers from '@sinonjs/fake-timers';
import { describe, expect, test } from 'vitest';
import { validateClock } from '../../src/supervisor/clock.js';
import { Watchdog } from '../../src/supervisor/watchdog.js';

function setup(stallTimeoutMs = 90_000, startupGraceMs = 30_000) {
  const clock = FakeTimers.createClock(0);
  const stalls: Array<{ at: number; stalledForMs: number; phase: string }> = [];
  const watchdog = new Watchdog({
    clock: validateClock(clock),
    stallTimeoutMs,
    startupGraceMs,
    onStall: (stall) => stalls.push({ at: clock.now, ...stall }),
  });
  return { clock, stalls, watchdog };
}

// The drain turn is a zero-delay timer, which fake-timers (like Node) runs 1 ms later: a stall
// is called at its deadline + 1 ms on a fake clock, never before the deadline.
describe('Watchdog', () => {
  test('before any progress: stall at startupGrace + stallTimeout after start, not a millisecond earlier', () => {
    const { clock, stalls, watchdog } = setup();
    watchdog.start();
    clock.tick(119_999);
    expect(stalls).toEqual([]);
    clock.tick(1);
    expect(stalls).toEqual([]);
    clock.tick(1);
    expect(stalls).toEqual([{ at: 120_001, stalledForMs: 120_001, phase: 'startup' }]);
  });

  test('after progress: stall at last forward progress + stallTimeout; the grace no longer counts', () => {
    const { clock, stalls, watchdog } = setup();
    watchdog.start();
    clock.tick(1_000);
    watchdog.touch();
    clock.tick(89_999);
    expect(stalls).toEqual([]);
    clock.tick(2);
    expect(stalls).toEqual([{ at: 91_001, stalledForMs: 90_001, phase: 'running' }]);
  });

  test('slow but advancing never stalls', () => {
    const { clock, stalls, watchdog } = setup(90_000, 30_000);
    watchdog.start();
    for (let minute = 0; minute < 240; minute += 1) {
      clock.tick(89_000);
      watchdog.touch();
    }
    expect(stalls).toEqual([]);
    watchdog.stop();
    expect(clock.countTimers()).toBe(0);
  });

  test('progress that arrives just before the deadline moves it', () => {
    const { clock, stalls, watchdog } = setup(10_000, 0);
    watchdog.start();
    clock.tick(9_999);
    watchdog.touch();
    clock.tick(9_999);
    expect(stalls).toEqual([]);
    clock.tick(2);
    expect(stalls).toHaveLength(1);
    expect(stalls[0]).toMatchObject({ at: 20_000, stalledForMs: 10_001 });
  });

  test('fires once only', () => {
    const { clock, stalls, watchdog } = setup(1_000, 0);
    watchdog.start();
    clock.tick(60_000);
    expect(stalls).toHaveLength(1);
    expect(clock.countTimers()).toBe(0);
  });

  test('stop() cancels its timer; nothing fires afterwards', () => {
    const { clock, stalls, watchdog } = setup(1_000, 0);
    watchdog.start();
    watchdog.stop();
    clock.tick(10_000);
    expect(stalls).toEqual([]);
    expect(clock.countTimers()).toBe(0);
  });

  test('progress recorded in the drain turn prevents the stall', () => {
    const { clock, stalls, watchdog } = setup(1_000, 0);
    watchdog.start();
    clock.tick(1_000); // deadline reached: the drain turn is pending
    watchdog.touch(); // input delivered before the drain turn runs
    clock.tick(1);
    expect(stalls).toEqual([]);
    clock.tick(999);
    expect(stalls).toEqual([]);
    clock.tick(2);
    expect(stalls).toHaveLength(1);
  });
});
