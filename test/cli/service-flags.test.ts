import { describe, expect, test } from 'vitest';
import { parseCliArgs } from '../../src/cli/parse-args.js';
import { exitCodeForServiceOutcome } from '../../src/cli/run-service.js';
import { describeAttemptFailure, describeRestart, describeServiceEnd } from '../../src/cli/service-messages.js';
import type { ServiceOutcome } from '../../src/service/types.js';

const run = (...flags: string[]) => parseCliArgs(['run', ...flags, '--', '-i', 'http://tuner/live.ts', '-f', 'hls', 'live.m3u8']);

describe('run --restart flags', () => {
  test('without --restart there is no service', () => {
    expect(run()).toMatchObject({ command: 'run', service: undefined });
  });

  test('--restart on-stall,on-failure --max-restarts 5/10m and the delays', () => {
    expect(run('--restart', 'on-stall,on-failure', '--max-restarts', '5/10m', '--restart-delay', '500ms', '--max-restart-delay', '1m', '--reset-after', '2m')).toMatchObject({
      command: 'run',
      service: {
        restartOn: ['stalled', 'failed'],
        maxRestarts: { count: 5, windowMs: 600_000 },
        initialDelayMs: 500,
        maxDelayMs: 60_000,
        resetAfterMs: 120_000,
        minSpeed: undefined,
      },
    });
  });

  test.each([
    [['--restart', 'always'], { restartOn: ['stalled', 'failed', 'completed', 'timeout', 'slow'] }],
    [['--restart', 'on-complete,on-complete'], { restartOn: ['completed'] }],
    [['--restart', 'on-stall', '--max-restarts', '3'], { maxRestarts: { count: 3, windowMs: undefined } }],
    [['--restart', 'on-stall', '--max-restarts', 'unlimited'], { maxRestarts: { count: Number.POSITIVE_INFINITY } }],
    [['--restart', 'on-slow', '--min-speed', '0.9x', '--min-speed-window', '20s'], { minSpeed: 0.9, minSpeedWindowMs: 20_000 }],
  ])('%j', (flags, expected) => {
    expect(run(...flags)).toMatchObject({ service: expected });
  });

  test.each([
    [['--restart', 'on-stal'], "unknown --restart 'on-stal' (use on-stall, on-failure, on-complete, on-timeout, on-slow, always, comma-separated)"],
    [['--restart', 'on-stall', '--max-restarts', '5/'], "bad --max-restarts '5/' (use <count>/<window>, e.g. 5/10m, or a count, or unlimited)"],
    [['--restart', 'on-stall', '--max-restarts', 'five/10m'], "bad --max-restarts 'five/10m' (use <count>/<window>, e.g. 5/10m, or a count, or unlimited)"],
    [['--restart', 'on-stall', '--restart-delay', 'soon'], "bad duration for --restart-delay: 'soon' (use e.g. 500ms, 90s, 2m, 1h)"],
    [['--restart', 'on-slow', '--min-speed', 'slow'], "bad --min-speed 'slow' (use a speed such as 0.9 or 0.9x)"],
    [['--max-restarts', '5/10m'], '--max-restarts needs --restart (for example --restart on-stall,on-failure)'],
  ])('%j is a usage error', (flags, message) => {
    expect(run(...flags)).toEqual({ command: 'usage-error', message });
  });
});

describe('run --restart messages and exit codes', () => {
  const attempt = (reason: 'failed' | 'stalled' | 'aborted' | 'completed') => ({
    attempt: 3,
    args: [],
    startedAtMs: 0,
    durationMs: 10,
    outcome: { reason, exitCode: 1, signal: null, durationMs: 10, forcedKill: false, stderrTail: '', stderrTruncated: false, lastProgress: undefined, progressEnded: false, pid: 1, args: [] },
    endReason: reason === 'aborted' ? ('stopped' as const) : reason,
    wasUp: false,
    wasHealthy: false,
  });
  const base = { attempts: 3, restarts: 2, durationMs: 65_000 };

  test.each<[ServiceOutcome, number, string]>([
    [{ ...base, reason: 'gave_up', budget: { count: 2, windowMs: 600_000 }, lastReason: 'failed', lastAttempt: attempt('failed'), recentAttempts: [attempt('failed')] }, 1, 'gave up: restart budget (2 in 10m00s) used up, last attempt failed (3 attempts in 1m05s)'],
    [{ ...base, reason: 'gave_up', budget: { count: 2, windowMs: 60_000 }, lastReason: 'stalled', lastAttempt: attempt('stalled'), recentAttempts: [] }, 3, 'gave up: restart budget (2 in 1m00s) used up, last attempt stalled (3 attempts in 1m05s)'],
    [{ ...base, reason: 'finished', lastReason: 'completed', lastAttempt: attempt('completed'), recentAttempts: [] }, 0, 'finished: last attempt completed, not restarted (3 attempts in 1m05s)'],
    [{ ...base, reason: 'stopped', cause: undefined, lastAttempt: attempt('aborted'), recentAttempts: [] }, 0, 'stopped: ffmpeg finished its output (3 attempts in 1m05s)'],
  ])('%#: exit %i, "%s"', (outcome, exitCode, line) => {
    expect(exitCodeForServiceOutcome(outcome)).toBe(exitCode);
    expect(describeServiceEnd(outcome)).toBe(line);
  });

  test('a restart line names the reason, the next attempt, its delay and the budget used', () => {
    expect(describeRestart({ attempt: 3, reason: 'stalled', delayMs: 2_000, restartsInWindow: 2 }, { count: 5, windowMs: 600_000 })).toBe(
      'stalled: next attempt 3 in 2.0s, restart 2 of 5 in 10m00s',
    );
    expect(describeRestart({ attempt: 3, reason: 'failed', delayMs: 400, restartsInWindow: 2 }, { count: Number.POSITIVE_INFINITY, windowMs: 1 })).toBe(
      'failed: next attempt 3 in 400ms',
    );
  });

  test('a failed attempt is shown with how it ended and the last line ffmpeg wrote', () => {
    const outcome = { ...attempt('failed').outcome, stderrTail: 'ffmpeg version x\nhttp://tuner/live.ts: Connection refused\n', attempt: 2 };
    expect(describeAttemptFailure(outcome)).toBe('[attempt 2] failed (exit 1): http://tuner/live.ts: Connection refused');
    expect(describeAttemptFailure({ ...outcome, exitCode: null, signal: 'SIGKILL', stderrTail: '' })).toBe('[attempt 2] failed (killed by SIGKILL)');
    expect(describeAttemptFailure({ ...outcome, reason: 'stalled' })).toBeUndefined();
  });
});
