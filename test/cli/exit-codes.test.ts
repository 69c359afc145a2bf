import { describe, expect, test } from 'vitest';
import {
  EXIT_CODE_TABLE,
  EXIT_CODES,
  exitCodeForError,
  exitCodeForReason,
  exitCodeForRemuxKind,
  signalled,
} from '../../src/cli/exit-codes.js';
import { helpText } from '../../src/cli/usage.js';
import { RemuxError } from '../../src/remux/errors.js';
import type { RemuxErrorKind } from '../../src/remux/types.js';
import { FfmpegNotFoundError } from '../../src/supervisor/errors.js';
import { errorForOutcome, type FfmpegOutcome, type OutcomeReason } from '../../src/supervisor/outcome.js';

test('the table of the issue', () => {
  expect(EXIT_CODES).toEqual({
    completed: 0,
    failed: 1,
    usage: 2,
    stalled: 3,
    timeout: 4,
    spawnFailed: 5,
    outputInvalid: 6,
    codecUnsupported: 7,
    unusablePath: 8,
    interrupted: 130,
    terminated: 143,
  });
});

test('--help lists every exit code once', () => {
  const text = helpText('0.0.0');
  expect(EXIT_CODE_TABLE.map(([code]) => code)).toEqual(Object.values(EXIT_CODES));
  for (const [code, meaning] of EXIT_CODE_TABLE) expect(text).toContain(`  ${String(code).padEnd(5)}${meaning}\n`);
});

describe('exitCodeForRemuxKind', () => {
  test.each<[RemuxErrorKind, number]>([
    ['non_monotonic_dts', 1],
    ['timestamps_unset', 1],
    ['invalid_duration', 1],
    ['generic', 1],
    ['stalled', 3],
    ['timeout', 4],
    ['spawn_failed', 5],
    ['output_invalid', 6],
    ['codec_unsupported', 7],
    ['no_playable_streams', 7],
    ['input_unreadable', 8],
    ['output_is_input', 8],
    ['output_is_directory', 8],
    ['output_dir_missing', 8],
    ['no_space', 8],
    ['aborted', 130],
  ])('%s → %d', (kind, code) => {
    expect(exitCodeForRemuxKind(kind)).toBe(code);
  });

  test('an abort by SIGTERM → 143', () => {
    expect(exitCodeForRemuxKind('aborted', 'SIGTERM')).toBe(143);
  });
});

describe('exitCodeForReason', () => {
  test.each<[OutcomeReason, number]>([
    ['completed', 0],
    ['failed', 1],
    ['stalled', 3],
    ['timeout', 4],
    ['spawn_failed', 5],
    ['aborted', 130],
  ])('%s → %d', (reason, code) => {
    expect(exitCodeForReason(reason)).toBe(code);
  });
});

describe('exitCodeForError', () => {
  const outcome = (reason: OutcomeReason): FfmpegOutcome => ({
    reason,
    exitCode: null,
    signal: null,
    durationMs: 1,
    forcedKill: false,
    stderrTail: '',
    stderrTruncated: false,
    lastProgress: undefined,
    progressEnded: false,
    pid: undefined,
    args: [],
  });

  test.each([
    ['a RemuxError, by its kind', new RemuxError('x', { kind: 'output_invalid', attempts: [] }), 6],
    ['a supervisor error, by its reason', errorForOutcome(outcome('stalled')), 3],
    ['a spawn failure', errorForOutcome(outcome('spawn_failed'), Object.assign(new Error('spawn x ENOENT'), { code: 'ENOENT' })), 5],
    ['a missing binary', new FfmpegNotFoundError('No ffmpeg binary found', []), 5],
    ['another system error', Object.assign(new Error('EACCES: permission denied, open'), { code: 'EACCES', syscall: 'open' }), 1],
    ['anything else', new TypeError('bug'), 1],
  ])('%s', (_, error, code) => {
    expect(exitCodeForError(error)).toBe(code);
  });
});

test('after a signal the exit code is 130 or 143 whatever the outcome', () => {
  expect(signalled(undefined)).toBeUndefined();
  expect(signalled('SIGINT')).toBe(130);
  expect(signalled('SIGTERM')).toBe(143);
});
