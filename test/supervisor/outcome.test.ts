import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { FfmpegAbortedError, FfmpegError, FfmpegExitError, FfmpegSpawnError, FfmpegStalledError, FfmpegTimeoutError } from '../../src/supervisor/errors.js';
import { errorForOutcome, type FfmpegOutcome, OUTCOMES, type OutcomeReason } from '../../src/supervisor/outcome.js';

function outcome(reason: OutcomeReason, extra: Partial<FfmpegOutcome> = {}): FfmpegOutcome {
  return { reason, exitCode: null, signal: null, durationMs: 1_234, forcedKill: false, unreaped: false, stderrTail: 'first\nlast line\n', stderrTruncated: false, lastProgress: undefined, progressEnded: false, pid: 42, args: [], ...extra };
}

describe('OUTCOMES: the one table of outcomes', () => {
  test.each([
    ['completed', undefined, undefined, 0],
    ['failed', 'ERR_FFMPEG_EXIT', FfmpegExitError, 1],
    ['stalled', 'ERR_FFMPEG_STALLED', FfmpegStalledError, 3],
    ['timeout', 'ERR_FFMPEG_TIMEOUT', FfmpegTimeoutError, 4],
    ['aborted', 'ERR_FFMPEG_ABORTED', FfmpegAbortedError, 130],
    ['spawn_failed', 'ERR_FFMPEG_SPAWN', FfmpegSpawnError, 5],
  ] as const)('%s → code %s, its class, exit status %s; errorForOutcome follows the row', (reason, code, errorClass, exitStatus) => {
    expect(OUTCOMES[reason]).toMatchObject({ code, errorClass, exitStatus });
    const cause = Object.assign(new Error('spawn ffmpeg ENOENT'), { code: 'ENOENT' });
    const error = errorForOutcome(outcome(reason), cause);
    if (code === undefined) {
      expect(error).toBeUndefined();
      return;
    }
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(FfmpegError);
    expect(error?.code).toBe(code);
    expect(error?.outcome?.reason).toBe(reason);
  });

  test('messages: the exit error ends with the last stderr line; an unreaped run says so; ffprobe is named', () => {
    expect(errorForOutcome(outcome('failed', { exitCode: 1 }))?.message).toBe('ffmpeg exited with code 1: last line');
    expect(errorForOutcome(outcome('stalled', { forcedKill: true, unreaped: true }))?.message).toBe(
      'ffmpeg stalled: no forward progress, stopped after 1234 ms (SIGKILL needed) (not reaped after SIGKILL)',
    );
    expect(errorForOutcome(outcome('timeout'), undefined, 'ffprobe')?.message).toBe('ffprobe timed out after 1234 ms');
    expect(errorForOutcome(outcome('aborted'), 'bye')).toMatchObject({ message: 'ffmpeg was aborted', cause: 'bye' });
  });

  test('errors.ts does not import outcome.ts (no cycle), and the supervisor layer names no remux code', () => {
    const errorsSource = readFileSync(new URL('../../src/supervisor/errors.ts', import.meta.url), 'utf8');
    expect(errorsSource).not.toMatch(/from '\.\/outcome\.js'/);
    for (const file of ['errors.ts', 'outcome.ts', 'outcome-types.ts', 'supervisor.ts', 'supervised-run.ts']) {
      expect(readFileSync(new URL(`../../src/supervisor/${file}`, import.meta.url), 'utf8'), file).not.toMatch(/REMUX|remux/);
    }
  });
});
