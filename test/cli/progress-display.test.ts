import { describe, expect, test } from 'vitest';
import { type DisplayMode, ProgressDisplay } from '../../src/cli/progress-display.js';
import type { EncoderReport } from '../../src/remux/encoder-fallback.js';
import { RemuxError } from '../../src/remux/errors.js';
import type { RemuxAttempt, RemuxResult } from '../../src/remux/ladder-types.js';
import type { RunnableStrategyDecision } from '../../src/remux/types.js';
import { errorForOutcome, type FfmpegOutcome } from '../../src/supervisor/outcome.js';
import type { FfmpegProgress } from '../../src/supervisor/progress-parser.js';
import type { FfmpegStall } from '../../src/supervisor/supervisor.js';

const CLEAR = '\r\x1b[2K';

function makeDisplay(mode: DisplayMode, columns?: number) {
  const chunks: string[] = [];
  let now = 1_000;
  const display = new ProgressDisplay({
    mode,
    stream: { write: (chunk: string) => chunks.push(chunk), columns },
    now: () => now,
    barWidth: 10,
  });
  return {
    display,
    chunks,
    text: () => chunks.join(''),
    lines: () => chunks.join('').split('\n').filter(Boolean),
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function progress(outTimeS: number, extra: Partial<FfmpegProgress> = {}): FfmpegProgress & { strategy: 'default' } {
  return {
    outTimeUs: outTimeS * 1_000_000,
    totalSize: outTimeS * 100_000,
    frame: Math.round(outTimeS * 25),
    fps: 0,
    speed: 2,
    bitrateKbps: 800,
    percent: outTimeS * 10,
    done: false,
    raw: { progress: 'continue', some_key_nobody_needs: 'x' },
    strategy: 'default',
    ...extra,
  };
}

function outcome(extra: Partial<FfmpegOutcome> = {}): FfmpegOutcome {
  return {
    reason: 'completed',
    exitCode: 0,
    signal: null,
    durationMs: 1_234.5,
    forcedKill: false,
    stderrTail: '',
    stderrTruncated: false,
    lastProgress: progress(9.5, { done: true }),
    progressEnded: true,
    pid: 4242,
    args: ['-nostdin', '-progress', 'pipe:3'],
    ...extra,
  };
}

const decision: RunnableStrategyDecision = {
  strategy: 'default',
  reason: 'h264 8-bit: the video can be copied',
  videoCodec: 'h264',
  bitDepth: 8,
  hasVideo: true,
  probeFailed: false,
  audioTrackCount: 1,
};

const attemptStart = { id: 'job-1', strategy: 'default' as const, args: ['-i', 'file:x.ts'], index: 0 };

function attempt(extra: Partial<RemuxAttempt> = {}): RemuxAttempt {
  return {
    id: 'job-1',
    strategy: 'default',
    args: ['-i', 'file:x.ts'],
    outcome: outcome(),
    kind: 'none',
    classification: undefined,
    durationMs: 1_234.5,
    stderrTail: '',
    error: undefined,
    ...extra,
  };
}

const result: RemuxResult = {
  id: 'job-1',
  media: { durationSec: 60, trusted: true, videoStartSec: undefined },
  output: '/rec/out.mp4',
  strategy: 'default',
  decision,
  attempts: [attempt()],
  probes: [],
  durationMs: 1_500,
};

const stall: FfmpegStall & { strategy: 'default' } = {
  stalledForMs: 3_000,
  lastOutTimeUs: 4_200_000,
  phase: 'running',
  lastProgress: undefined,
  pid: 4242,
  stallTimeoutMs: 3_000,
  strategy: 'default',
};

describe('ProgressDisplay: TTY', () => {
  test('redraws one line in place, at most every 100 ms, and ends it before a message', () => {
    const { display, text, advance } = makeDisplay('tty');
    display.attempt(attemptStart);
    display.progress(progress(1));
    advance(50);
    display.progress(progress(2)); // held back
    advance(60);
    display.progress(progress(3));
    display.stall(stall);
    expect(text()).toBe(
      'attempt 1: default (copy the video from its first keyframe, audio to AAC (AAC-LC copied), resynced)\n' +
        `${CLEAR}[default]  █░░░░░░░░░  10.0%  00:00:01.00  frame 25  2.00x  ETA 5s` +
        `${CLEAR}[default]  ███░░░░░░░  30.0%  00:00:03.00  frame 75  2.00x  ETA 4s\n` +
        '[default] stalled: no forward progress for 3.0s (since 00:00:04.20); stopping ffmpeg\n',
    );
  });

  test('a line held back by the interval is drawn before the next message, so the screen shows the latest numbers', () => {
    const { display, text } = makeDisplay('tty');
    display.progress(progress(1));
    display.progress(progress(2));
    display.remuxResult(result, 0);
    expect(text()).toContain(`${CLEAR}[default]  ██░░░░░░░░  20.0%`);
    expect(text().endsWith('\ndone: wrote /rec/out.mp4 (strategy default, 00:00:09.50 of media) in 1.5s\n')).toBe(true);
  });

  test('the done block is drawn at once with its own numbers, and as 100 % once the run completed', () => {
    const { display, text } = makeDisplay('tty');
    display.progress(progress(1));
    display.progress(progress(9.5, { done: true }));
    expect(text().endsWith(`${CLEAR}[default]  █████████░  95.0%  00:00:09.50  frame 238  2.00x  ETA 1s`)).toBe(true);
    display.runResult(outcome(), 0);
    expect(text()).toContain(`${CLEAR}[default]  ██████████ 100.0%  00:00:09.50  frame 238  2.00x  ETA 0s\n`);
  });

  test('issue 14: after Ctrl-C the end block ffmpeg writes on SIGINT is not drawn, never as 100 %', () => {
    const { display, text, advance } = makeDisplay('tty');
    display.progress(progress(2.7));
    display.signal('SIGINT');
    advance(500);
    display.progress(progress(2.8, { done: true })); // ffmpeg's last block on its way out
    display.failure(errorForOutcome(outcome({ reason: 'aborted', exitCode: 255 }), new Error('received SIGINT'), 'ffmpeg'), 130);
    display.close();
    expect(text()).not.toContain('100.0%');
    expect(text()).not.toContain('28.0%');
    expect(text()).toContain('27.0%');
  });

  test('after a stall, later blocks are not drawn either', () => {
    const { display, text } = makeDisplay('tty');
    display.progress(progress(3));
    display.stall(stall);
    display.progress(progress(3, { done: true }));
    display.failure(errorForOutcome(outcome({ reason: 'stalled', exitCode: 255 }), undefined, 'ffmpeg'), 3);
    expect(text()).not.toContain('100.0%');
  });

  test('the live line fits the terminal: the bar shrinks and the frame goes before speed and ETA (issue 14, 60 columns)', () => {
    const { display, chunks } = makeDisplay('tty', 60);
    const wide = { ...progress(1), outTimeUs: 492_000_000, frame: 12_300, percent: 27.3, speed: 12.34 };
    display.progress(wide);
    expect(chunks[0]).toBe(`${CLEAR}[default]  ██░░░░░░░░  27.3%  00:08:12.00  12.3x  ETA 1m47s`);
    expect([...(chunks[0] ?? '')].length - CLEAR.length).toBeLessThan(60);
  });

  test('a very narrow terminal keeps percent, speed and ETA, and cuts only what is left', () => {
    const { display, chunks } = makeDisplay('tty', 30);
    display.progress(progress(1));
    expect(chunks[0]).toBe(`${CLEAR}10.0%  2.00x  ETA 5s`); // the label goes last
    const tiny = makeDisplay('tty', 14);
    tiny.display.progress(progress(1));
    expect(tiny.chunks[0]).toBe(`${CLEAR}10.0%  2.00x…`);
  });

  test('close() ends the live line; a second close() writes nothing', () => {
    const { display, chunks } = makeDisplay('tty');
    display.progress(progress(1));
    display.close();
    display.close();
    expect(chunks.at(-1)).toBe('\n');
    expect(chunks).toHaveLength(2);
  });
});

describe('ProgressDisplay: plain', () => {
  test('a line per attempt, progress only every 2 s or each new tenth of the percent, then the result', () => {
    const { display, lines, advance } = makeDisplay('plain');
    display.decision(decision);
    display.attempt(attemptStart);
    display.progress(progress(0.5)); // 5 %: no new tenth, under 2 s
    advance(500);
    display.progress(progress(1)); // 10 %: a new tenth
    advance(500);
    display.progress(progress(1.2)); // same tenth, 0.5 s later
    advance(2_000);
    display.progress(progress(1.3, { percent: undefined })); // 2 s since the last line
    display.remuxResult(result, 0);
    expect(lines()).toEqual([
      'probe: h264 8-bit: the video can be copied',
      'attempt 1: default (copy the video from its first keyframe, audio to AAC (AAC-LC copied), resynced)',
      'progress [default]  10.0%  00:00:01.00  frame 25  2.00x  ETA 5s',
      'progress [default]  00:00:01.30  frame 33  2.00x',
      'done: wrote /rec/out.mp4 (strategy default, 00:00:09.50 of media) in 1.5s',
    ]);
  });

  test('no escape sequences and no carriage returns', () => {
    const { display, text, advance } = makeDisplay('plain');
    display.attempt(attemptStart);
    for (let second = 1; second <= 10; second += 1) {
      advance(1_000);
      display.progress(progress(second));
    }
    display.stall(stall);
    expect(text()).not.toMatch(/[\r\x1b]/);
  });

  test('a failed attempt and a failure show the kind, the exit code and the last stderr lines', () => {
    const { display, lines } = makeDisplay('plain');
    const stderrTail = ['line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'Non-monotonous DTS in output stream 0:1', ''].join('\n');
    const failed = attempt({
      kind: 'non_monotonic_dts',
      outcome: outcome({ reason: 'failed', exitCode: 1 }),
      stderrTail,
      classification: {
        kind: 'non_monotonic_dts',
        retryWithFallback: true,
        retryWithTranscode: true,
        matchedLine: 'Non-monotonous DTS in output stream 0:1',
        warnings: [],
        cosmetic: [],
        exitCode: 1,
      },
    });
    display.attemptEnd(failed);
    display.failure(new RemuxError('remux failed (non_monotonic_dts) in strategy default: x', { kind: 'non_monotonic_dts', attempts: [failed] }), 1);
    expect(lines()).toEqual([
      '[default] failed: non_monotonic_dts: Non-monotonous DTS in output stream 0:1',
      'non_monotonic_dts (exit 1): remux failed (non_monotonic_dts) in strategy default: x',
      'ffmpeg stderr (last lines):',
      '  line 2',
      '  line 3',
      '  line 4',
      '  line 5',
      '  Non-monotonous DTS in output stream 0:1',
    ]);
  });

  test('an abort shows no stderr', () => {
    const { display, lines } = makeDisplay('plain');
    display.signal('SIGINT');
    display.failure(errorForOutcome(outcome({ reason: 'aborted', stderrTail: 'Exiting normally, received signal 15.' })), 130);
    expect(lines()).toEqual([
      'received SIGINT: stopping ffmpeg and cleaning up (Ctrl-C again to exit at once)',
      'aborted (exit 130): ffmpeg was aborted',
    ]);
  });

  test('a successful attempt end writes nothing (the result line says it)', () => {
    const { display, chunks } = makeDisplay('plain');
    display.attemptEnd(attempt());
    expect(chunks).toEqual([]);
  });
});

describe('ProgressDisplay: JSON', () => {
  test('one small object per event per line, every progress block, the result last', () => {
    const { display, lines } = makeDisplay('json');
    display.decision(decision);
    display.attempt(attemptStart);
    display.progress(progress(1));
    display.progress(progress(1.01));
    display.stall(stall);
    display.attemptEnd(attempt({ stderrTail: 'a long stderr that only the error event may carry' }));
    display.remuxResult(result, 0);
    const events = lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.map((event) => event.event)).toEqual(['decision', 'attempt', 'progress', 'progress', 'stall', 'attemptEnd', 'result']);
    expect(events[0]).toEqual({ event: 'decision', ...decision });
    expect(events[2]).toEqual({
      event: 'progress',
      strategy: 'default',
      outTimeUs: 1_000_000,
      percent: 10,
      speed: 2,
      frame: 25,
      fps: 0,
      totalSize: 100_000,
      bitrateKbps: 800,
      done: false,
    });
    expect(events[4]).toEqual({ event: 'stall', strategy: 'default', phase: 'running', stalledForMs: 3_000, lastOutTimeUs: 4_200_000, stallTimeoutMs: 3_000, pid: 4242 });
    expect(events[5]).toEqual({
      event: 'attemptEnd',
      strategy: 'default',
      kind: 'none',
      durationMs: 1_235,
      outcome: { reason: 'completed', exitCode: 0, signal: null, forcedKill: false, durationMs: 1_235 },
    });
    expect(events[6]).toEqual({ event: 'result', exitCode: 0, output: '/rec/out.mp4', strategy: 'default', attempts: 1, durationMs: 1_500, outTimeUs: 9_500_000 });
    expect(lines().join('\n')).not.toMatch(/stderr|some_key_nobody_needs/);
  });

  test('issue 14: numbers are rounded: percent to 2 decimals, every *Ms to whole milliseconds', () => {
    const { display, lines } = makeDisplay('json');
    display.progress(progress(9.984, { percent: 99.83999999999999 }));
    display.stall({ ...stall, stalledForMs: 3_000.4567 });
    display.remuxResult({ ...result, durationMs: 1_499.7 }, 0);
    const [progressLine, stallLine, resultLine] = lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(progressLine?.percent).toBe(99.84);
    expect(stallLine?.stalledForMs).toBe(3_000);
    expect(resultLine?.durationMs).toBe(1_500);
  });

  test('the error event carries the code, the kind, the attempts and the stderr tail', () => {
    const { display, lines } = makeDisplay('json');
    const stalled = attempt({ kind: 'stalled', outcome: outcome({ reason: 'stalled', exitCode: 255, forcedKill: true }), stderrTail: 'tail of stderr' });
    display.failure(new RemuxError('remux failed (stalled) in strategy default: stalled', { kind: 'stalled', attempts: [stalled], outcome: stalled.outcome }), 3);
    expect(JSON.parse(lines()[0] ?? '')).toEqual({
      event: 'error',
      exitCode: 3,
      name: 'RemuxError',
      code: 'ERR_REMUX_FAILED',
      kind: 'stalled',
      message: 'remux failed (stalled) in strategy default: stalled',
      outcome: { reason: 'stalled', exitCode: 255, signal: null, forcedKill: true, durationMs: 1_235 },
      attempts: [{ strategy: 'default', kind: 'stalled', reason: 'stalled' }],
      stderrTail: 'tail of stderr',
    });
  });

  test('run: spawn, result with the outcome, and a signal event', () => {
    const { display, lines } = makeDisplay('json');
    display.spawn({ pid: 4242, args: ['-i', 'x'] });
    display.signal('SIGTERM');
    display.runResult(outcome(), 0);
    expect(lines().map((line) => JSON.parse(line))).toEqual([
      { event: 'spawn', pid: 4242, args: ['-i', 'x'] },
      { event: 'signal', signal: 'SIGTERM' },
      {
        event: 'result',
        exitCode: 0,
        outcome: { reason: 'completed', exitCode: 0, signal: null, forcedKill: false, durationMs: 1_235 },
        outTimeUs: 9_500_000,
        frame: 238,
      },
    ]);
  });
});

describe('ProgressDisplay: the transcode encoder', () => {
  const TRANSCODE = 'transcode (re-encode the video to 8-bit 4:2:0 H.264 at a constant frame rate, deinterlaced when the probe says interlaced)';
  const VA_LINE = '[AVHWDeviceContext @ 0x5600] No VA display found for device /dev/dri/renderD128.';
  const vaapiFirst: EncoderReport = { requested: 'h264_vaapi', encoder: 'h264_vaapi', left: [] };
  const fellBack: EncoderReport = {
    requested: 'h264_vaapi',
    encoder: 'libx264',
    left: [{ encoder: 'h264_vaapi', reason: 'init_failed', detail: VA_LINE, durationMs: 81.6, exitCode: 1 }],
  };
  const autoSkipped: EncoderReport = {
    requested: 'auto',
    encoder: 'h264_qsv',
    left: [
      { encoder: 'h264_nvenc', reason: 'not_in_build', detail: 'this ffmpeg build does not list h264_nvenc', durationMs: 0 },
      { encoder: 'h264_vaapi', reason: 'failed_before', detail: 'h264_vaapi failed to start earlier with this ffmpeg binary', durationMs: 0 },
    ],
  };
  const start = (encoder: EncoderReport) => ({ id: 'job-1', strategy: 'transcode' as const, args: ['-c:v', encoder.encoder], index: 0, encoder });
  const transcodeProgress = (outTimeS: number) => ({ ...progress(outTimeS), strategy: 'transcode' as const });
  const transcodeAttempt = (encoder: EncoderReport, extra: Partial<RemuxAttempt> = {}) =>
    attempt({ strategy: 'transcode', args: ['-c:v', encoder.encoder], encoder, ...extra });
  const transcodeResult = (encoder: EncoderReport): RemuxResult => ({
    ...result,
    strategy: 'transcode',
    attempts: [transcodeAttempt(encoder)],
    encoder,
  });

  test('plain: the encoder that ran, why the hardware one was left, and the result says which one made the file', () => {
    const { display, lines, advance } = makeDisplay('plain');
    display.attempt(start(vaapiFirst));
    display.attempt(start(fellBack));
    advance(2_000);
    display.progress(transcodeProgress(1));
    display.attemptEnd(transcodeAttempt(fellBack));
    display.remuxResult(transcodeResult(fellBack), 0);
    expect(lines()).toEqual([
      `attempt 1: ${TRANSCODE.replace('transcode', 'transcode with h264_vaapi')}`,
      `[transcode h264_vaapi] failed to start, trying libx264: ${VA_LINE}`,
      'progress [transcode libx264]  10.0%  00:00:01.00  frame 25  2.00x  ETA 5s',
      'done: wrote /rec/out.mp4 (strategy transcode, encoder libx264 in place of h264_vaapi, 00:00:09.50 of media) in 1.5s',
    ]);
  });

  test("plain: 'auto' lists the encoders it skipped and why, one line per reason", () => {
    const { display, lines } = makeDisplay('plain');
    display.attempt(start(autoSkipped));
    display.remuxResult(transcodeResult(autoSkipped), 0);
    expect(lines()).toEqual([
      `attempt 1: ${TRANSCODE.replace('transcode', 'transcode with h264_qsv')}`,
      '[transcode] skipped h264_nvenc: not in this ffmpeg build',
      '[transcode] skipped h264_vaapi: failed to start earlier with this ffmpeg',
      'done: wrote /rec/out.mp4 (strategy transcode, encoder h264_qsv chosen by auto, 00:00:09.50 of media) in 1.5s',
    ]);
  });

  test('plain: the encoder asked for and run is named once; a failed transcode names its encoder', () => {
    const { display, lines } = makeDisplay('plain');
    const libx264: EncoderReport = { requested: 'libx264', encoder: 'libx264', left: [] };
    display.attemptEnd(transcodeAttempt(libx264, { kind: 'generic', outcome: outcome({ reason: 'failed', exitCode: 1 }) }));
    display.remuxResult(transcodeResult(libx264), 0);
    expect(lines()).toEqual([
      '[transcode libx264] failed: generic',
      'done: wrote /rec/out.mp4 (strategy transcode, encoder libx264, 00:00:09.50 of media) in 1.5s',
    ]);
  });

  test('plain: a copy names no encoder, and a run after a transcode carries no stale label', () => {
    const { display, lines } = makeDisplay('plain');
    display.attempt(start(fellBack));
    display.attempt(attemptStart);
    display.progress(progress(1));
    expect(lines().at(-1)).toBe('progress [default]  10.0%  00:00:01.00  frame 25  2.00x  ETA 5s');
  });

  test('TTY at 60 columns: the encoder is in the live label; the frame and media time go first, percent, speed and ETA stay', () => {
    const { display, chunks } = makeDisplay('tty', 60);
    display.attempt(start({ requested: 'h264_nvenc', encoder: 'h264_nvenc', left: [] }));
    const wide = { ...transcodeProgress(1), outTimeUs: 492_000_000, frame: 12_300, percent: 27.3, speed: 12.34 };
    display.progress(wide);
    const live = chunks.at(-1) ?? '';
    expect(live).toBe(`${CLEAR}[transcode h264_nvenc]  ██░░░░░░░░  27.3%  12.3x  ETA 1m47s`);
    expect([...live].length - CLEAR.length).toBeLessThan(60);
  });

  test('TTY: the fallback line ends the live line of the failed start and the new label follows', () => {
    const { display, text } = makeDisplay('tty');
    display.attempt(start(vaapiFirst));
    display.progress({ ...transcodeProgress(0), percent: 0, frame: 0, speed: undefined });
    display.attempt(start(fellBack));
    display.progress(transcodeProgress(1));
    expect(text()).toBe(
      `attempt 1: ${TRANSCODE.replace('transcode', 'transcode with h264_vaapi')}\n` +
        `${CLEAR}[transcode h264_vaapi]  ░░░░░░░░░░   0.0%  00:00:00.00  frame 0  --x  ETA --\n` +
        `[transcode h264_vaapi] failed to start, trying libx264: ${VA_LINE}\n` +
        `${CLEAR}[transcode libx264]  █░░░░░░░░░  10.0%  00:00:01.00  frame 25  2.00x  ETA 5s`,
    );
  });

  test('JSON: the attempt, attemptEnd and result events carry the encoder and what was left, the error its attempts\' encoders', () => {
    const { display, lines } = makeDisplay('json');
    display.attempt(start(vaapiFirst));
    display.attempt(start(fellBack));
    display.attemptEnd(transcodeAttempt(fellBack));
    display.remuxResult(transcodeResult(fellBack), 0);
    const failed = transcodeAttempt(fellBack, { kind: 'generic', outcome: outcome({ reason: 'failed', exitCode: 1 }) });
    display.failure(new RemuxError('remux failed (generic) in strategy transcode: x', { kind: 'generic', attempts: [failed] }), 1);
    const events = lines().map((line) => JSON.parse(line) as Record<string, unknown>);
    const leftJson = [{ encoder: 'h264_vaapi', reason: 'init_failed', detail: VA_LINE, durationMs: 82, exitCode: 1 }];
    expect(events[0]).toEqual({ event: 'attempt', index: 0, strategy: 'transcode', args: ['-c:v', 'h264_vaapi'], encoder: { requested: 'h264_vaapi', encoder: 'h264_vaapi', left: [] } });
    expect(events[1]).toEqual({ event: 'attempt', index: 0, strategy: 'transcode', args: ['-c:v', 'libx264'], encoder: { requested: 'h264_vaapi', encoder: 'libx264', left: leftJson } });
    expect(events[2]).toMatchObject({ event: 'attemptEnd', strategy: 'transcode', kind: 'none', encoder: { requested: 'h264_vaapi', encoder: 'libx264', left: leftJson } });
    expect(events[3]).toMatchObject({ event: 'result', strategy: 'transcode', encoder: { requested: 'h264_vaapi', encoder: 'libx264', left: leftJson } });
    expect(events[4]).toMatchObject({ event: 'error', attempts: [{ strategy: 'transcode', kind: 'generic', reason: 'failed', encoder: 'libx264' }] });
  });

  test('JSON: a copy has no encoder key at all', () => {
    const { display, text } = makeDisplay('json');
    display.attempt(attemptStart);
    display.attemptEnd(attempt());
    display.remuxResult(result, 0);
    expect(text()).not.toContain('encoder');
  });
});
