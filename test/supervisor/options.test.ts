import FakeTimers from '@sinonjs/fake-timers';
import { describe, expect, test } from 'vitest';
import { resolveSupervisorOptions, SUPERVISOR_DEFAULTS } from '../../src/supervisor/options.js';

describe('resolveSupervisorOptions', () => {
  test('fills the documented defaults', () => {
    const resolved = resolveSupervisorOptions({ args: ['-i', 'x'] });
    expect(resolved).toMatchObject({
      stallTimeoutMs: 90_000,
      startupGraceMs: 30_000,
      killGraceMs: 5_000,
      timeoutMs: undefined,
      progressFd: 3,
      stderrTailBytes: 65_536,
      stdin: 'ignore',
      stdout: 'drain',
      killOnHostExit: true,
      parentDeathSignal: false,
    });
    expect(SUPERVISOR_DEFAULTS.stallTimeoutMs).toBe(90_000);
    expect(Object.isFrozen(resolved.args)).toBe(true);
  });

  test.each([
    [{ args: 'x' }, /`args` option must be an array of strings; got "x"/],
    [{ args: [1] }, /`args` option must be an array of strings/],
    [{ args: ['-progress', 'pipe:1'] }, /must not contain `-progress`/],
    [{ args: [], stallTimeoutMs: 0 }, /`stallTimeoutMs` option must be a finite number ≥ 1; got 0/],
    [{ args: [], stallTimeoutMs: Number.NaN }, /`stallTimeoutMs`.*got NaN/],
    [{ args: [], startupGraceMs: -1 }, /`startupGraceMs`.*got -1/],
    [{ args: [], timeoutMs: '5s' }, /`timeoutMs`.*got "5s"/],
    [{ args: [], killGraceMs: Number.POSITIVE_INFINITY }, /`killGraceMs`.*got Infinity/],
    [{ args: [], progressFd: 2 }, /`progressFd` option must be one of 3, 1; got 2/],
    [{ args: [], signal: {} }, /`signal` option must be an AbortSignal/],
    [{ args: [], clock: { now: 1 } }, /`clock` option must have/],
    [{ args: [], ffmpegPath: '' }, /`ffmpegPath` option must be a non-empty string/],
    [{ args: [], stdout: 'inherit' }, /`stdout` option must be one of "drain", "pipe"; got "inherit"/],
    [{ args: [], killOnHostExit: 'yes' }, /`killOnHostExit` option must be a boolean/],
    [{ args: [], progressFd: 1, stdout: 'pipe' }, /cannot be "pipe" when `progressFd` is 1/],
  ])('rejects %j eagerly', (options, message) => {
    expect(() => resolveSupervisorOptions(options as never)).toThrow(TypeError);
    expect(() => resolveSupervisorOptions(options as never)).toThrow(message);
  });

  test('accepts a @sinonjs/fake-timers clock as is, with now as a number', () => {
    const fake = FakeTimers.createClock(1_000);
    const { clock } = resolveSupervisorOptions({ args: [], clock: fake });
    expect(clock.now()).toBe(1_000);
    fake.tick(5);
    expect(clock.now()).toBe(1_005);
    let fired = false;
    clock.setTimeout(() => (fired = true), 10);
    fake.tick(10);
    expect(fired).toBe(true);
  });

  test('accepts a clock whose now is a function', () => {
    let time = 7;
    const { clock } = resolveSupervisorOptions({
      args: [],
      clock: { now: () => time, setTimeout: () => 0, clearTimeout: () => {} },
    });
    time = 9;
    expect(clock.now()).toBe(9);
  });
});

describe('resolveSupervisorOptions: durations, bytes and the options of issue 10', () => {
  test('Infinity means none for timeoutMs, stallTimeoutMs, startupGraceMs and reapTimeoutMs; long values are kept', () => {
    const resolved = resolveSupervisorOptions({
      args: [],
      timeoutMs: Number.POSITIVE_INFINITY,
      stallTimeoutMs: Number.POSITIVE_INFINITY,
      startupGraceMs: Number.POSITIVE_INFINITY,
      reapTimeoutMs: Number.POSITIVE_INFINITY,
      killGraceMs: 30 * 86_400_000,
    });
    expect(resolved).toMatchObject({
      timeoutMs: undefined,
      stallTimeoutMs: Number.POSITIVE_INFINITY,
      startupGraceMs: Number.POSITIVE_INFINITY,
      reapTimeoutMs: Number.POSITIVE_INFINITY,
      killGraceMs: 30 * 86_400_000,
    });
  });

  test('defaults of the new options', () => {
    expect(resolveSupervisorOptions({ args: [] })).toMatchObject({
      reapTimeoutMs: 10_000,
      processGroup: process.platform !== 'win32',
      resolveBinary: true,
      onListenerError: undefined,
    });
  });

  test.each([
    [{ args: [], pipeDrainMs: Number.POSITIVE_INFINITY }, /`pipeDrainMs` option must be a finite number ≥ 0; got Infinity\./],
    [{ args: [], timeoutMs: 0 }, /`timeoutMs` option must be a finite number ≥ 1; got 0 \(or Infinity for none\)/],
    [{ args: [], reapTimeoutMs: -1 }, /`reapTimeoutMs`.*got -1/],
    [{ args: [], stderrTailBytes: 1.5 }, /`stderrTailBytes` option must be a whole number of bytes ≥ 0; got 1\.5/],
    [{ args: [], stderrTailBytes: Number.POSITIVE_INFINITY }, /`stderrTailBytes` option must be a whole number of bytes/],
    [{ args: [], processGroup: 1 }, /`processGroup` option must be a boolean; got 1/],
    [{ args: [], resolveBinary: 'no' }, /`resolveBinary` option must be a boolean; got "no"/],
    [{ args: [], onListenerError: true }, /`onListenerError` option must be a function; got true/],
  ])('rejects %j eagerly', (options, message) => {
    expect(() => resolveSupervisorOptions(options as never)).toThrow(message);
  });
});

