import { UnrecoverableError } from 'bullmq';
import { describe, expect, test } from 'vitest';
import { BadJobInputError, failureKindOf, stderrTailOf } from '../../../src/integrations/bullmq/failure-kind.js';
import { toJobError } from '../../../src/integrations/bullmq/job-error.js';
import { DEFAULT_RETRY_POLICY, decideRetry, KNOWN_FAILURE_KINDS, mergeRetryPolicy } from '../../../src/integrations/bullmq/retry-policy.js';
import { FfmpegStalledError } from '../../../src/supervisor/errors.js';
import { RemuxError } from '../../../src/remux/errors.js';
import type { FfmpegOutcome } from '../../../src/supervisor/outcome.js';

const outcome = (reason: FfmpegOutcome['reason'], stderrTail = ''): FfmpegOutcome => ({
  reason,
  exitCode: reason === 'failed' ? 1 : null,
  signal: null,
  durationMs: 10,
  forcedKill: false,
  stderrTail,
  stderrTruncated: false,
  lastProgress: undefined,
  progressEnded: false,
  pid: 1234,
  args: [],
});

describe('the default retry policy', () => {
  test.each([
    ['stalled', 'fail'],
    ['aborted', 'fail'],
    ['codec_unsupported', 'fail'],
    ['no_playable_streams', 'fail'],
    ['output_invalid', 'fail'],
    ['non_monotonic_dts', 'fail'],
    ['timestamps_unset', 'fail'],
    ['invalid_duration', 'fail'],
    ['bad_input', 'fail'],
    ['timeout', 'retry'],
    ['spawn_failed', 'retry'],
    ['generic', 'retry'],
    ['failed', 'retry'],
  ] as const)('%s → %s', (kind, decision) => {
    expect(decideRetry(kind)).toBe(decision);
  });

  test('every known kind has an entry, and a kind nobody knows yet follows `unknown` (retry)', () => {
    expect(Object.keys(DEFAULT_RETRY_POLICY.kinds).sort()).toEqual([...KNOWN_FAILURE_KINDS].sort());
    expect(decideRetry('a_kind_added_next_year')).toBe('retry');
    expect(decideRetry('toString')).toBe('retry'); // not read from Object.prototype
  });

  test('a host overrides single kinds and the unknown default; the defaults stay untouched', () => {
    const policy = mergeRetryPolicy({ kinds: { timeout: 'fail', no_such_kind_yet: 'fail' }, unknown: 'fail' });
    expect(decideRetry('timeout', policy)).toBe('fail');
    expect(decideRetry('no_such_kind_yet', policy)).toBe('fail');
    expect(decideRetry('spawn_failed', policy)).toBe('retry');
    expect(decideRetry('other', policy)).toBe('fail');
    expect(decideRetry('timeout')).toBe('retry');
  });

  test.each([
    [{ kinds: { stalled: 'later' } }, /retryPolicy\.kinds\.stalled.*"later"/],
    [{ unknown: true }, /retryPolicy\.unknown.*true/],
    ['fail', /retryPolicy/],
  ])('a bad override is a TypeError naming it: %j', (overrides, message) => {
    expect(() => mergeRetryPolicy(overrides as never)).toThrow(TypeError);
    expect(() => mergeRetryPolicy(overrides as never)).toThrow(message);
  });
});

describe('failure kinds of errors', () => {
  test.each([
    ['a RemuxError: its kind', new RemuxError('x', { kind: 'codec_unsupported', attempts: [] }), 'codec_unsupported'],
    ['a RemuxError with a kind added later', Object.assign(new RemuxError('x', { kind: 'generic', attempts: [] }), { kind: 'no_playable_streams' }), 'no_playable_streams'],
    ['a supervisor error: the outcome reason', new FfmpegStalledError('stalled', outcome('stalled')), 'stalled'],
    ['no binary found', Object.assign(new Error('not found'), { code: 'ERR_FFMPEG_NOT_FOUND' }), 'spawn_failed'],
    ['bad job data', new BadJobInputError('job.data.inputs must be …'), 'bad_input'],
    ['anything else', new Error('redis went away'), 'unknown'],
    ['a thrown string', 'oops', 'unknown'],
  ])('%s', (_name, error, kind) => {
    expect(failureKindOf(error)).toBe(kind);
  });

  test('the stderr tail comes from the outcome, else from the last attempt', () => {
    expect(stderrTailOf(new FfmpegStalledError('s', outcome('stalled', 'line a\nline b\n')))).toBe('line a\nline b\n');
    const attempts = [{ stderrTail: 'first' }, { stderrTail: 'last rung said this' }];
    expect(stderrTailOf(new RemuxError('x', { kind: 'generic', attempts: attempts as never }))).toBe('last rung said this');
    expect(stderrTailOf(new Error('plain'))).toBe('');
  });
});

describe('the error a processor throws to BullMQ', () => {
  test('a stall is an UnrecoverableError whose message starts with the kind and ends with the last stderr lines', () => {
    const stderr = Array.from({ length: 30 }, (_, index) => `stderr line ${index + 1}`).join('\n');
    const error = toJobError(new RemuxError('remux failed (stalled) in strategy default', { kind: 'stalled', attempts: [], outcome: outcome('stalled', stderr) }), DEFAULT_RETRY_POLICY, 3);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(error.name).toBe('UnrecoverableError');
    expect(error).toMatchObject({ kind: 'stalled', retry: 'fail' });
    expect(error.message).toBe(
      'stalled: remux failed (stalled) in strategy default\n--- ffmpeg stderr (last 3 lines) ---\nstderr line 28\nstderr line 29\nstderr line 30',
    );
    expect(error.cause).toBeInstanceOf(RemuxError);
  });

  test('a spawn failure is a plain Error, so the queue’s attempts and backoff apply', () => {
    const error = toJobError(Object.assign(new Error('ffmpeg could not be started (ENOENT)'), { code: 'ERR_FFMPEG_SPAWN', outcome: outcome('spawn_failed') }), DEFAULT_RETRY_POLICY, 10);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect(error.name).toBe('Error');
    expect(error).toMatchObject({ kind: 'spawn_failed', retry: 'retry', message: 'spawn_failed: ffmpeg could not be started (ENOENT)' });
  });

  test('the host’s policy decides', () => {
    const error = toJobError(new FfmpegStalledError('stalled', outcome('stalled')), mergeRetryPolicy({ kinds: { stalled: 'retry' } }), 10);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
  });
});
