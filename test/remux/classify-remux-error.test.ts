import type { OutcomeReason } from '../../src/supervisor/outcome.js';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildStrategyArgs } from '../../src/remux/build-strategy-args.js';
import {
  classifyRemuxError,
  COSMETIC_PATTERNS,
  isClassifierLine,
  REMUX_ERROR_PATTERNS,
  remuxErrorKindForOutcome,
} from '../../src/remux/classify-remux-error.js';
import { probeCapabilities } from '../../src/supervisor/capabilities.js';
import { createTempDir, FFMPEG_BINARIES, generateTs, removeTempDir, STATIC_BUILD_ENV } from '../helpers/media.js';

const execFileAsync = promisify(execFile);

// Real lines (ffmpeg 5.1 and 6.1+ wording, with `-loglevel level+warning` prefixes).
const LINES = {
  nonMonotonous: '[mp4 @ 0x55d0] [warning] Non-monotonous DTS in output stream 0:1; previous: 97152, current: 94080; changing to 97153. This may result in incorrect timestamps in the output file.',
  nonMonotonic: '[vost#0:0/copy @ 0x5600] [warning] Non-monotonic DTS; previous: 5120, current: 4096; changing to 5121.',
  applicationDts: '[mp4 @ 0x55d0] [error] Application provided invalid, non monotonically increasing dts to muxer in stream 0: 1024 >= 512',
  unset: '[mp4 @ 0x55d0] [warning] Timestamps are unset in a packet for stream 0. This is deprecated and will stop working in the future. Fix your code to set the timestamps properly',
  invalidDuration: '[mp4 @ 0x55d0] [warning] Packet with invalid duration -1024 in stream 1',
  pastDuration: '[warning] Past duration 0.999992 too large',
  trailer: '[error] Error writing trailer of file:/cache/x.mp4.tmp: Input/output error',
  noSpace: '[error] Error writing trailer of file:/cache/x.mp4.tmp: No space left on device',
  noDecoder: '[fatal] Decoder (codec av1) not found for input stream #0:0',
  pes: '[mpegts @ 0x55d0] [warning] PES packet size mismatch',
  corrupt: '[mpegts @ 0x55d0] [error] Packet corrupt (stream = 0, dts = 1234).',
  corruptInput: '[h264 @ 0x55d0] [error] corrupt input packet in stream 0',
  incomplete: '[ac3 @ 0x55d0] [error] incomplete frame',
  corruptDecoded: '[h264 @ 0x55d0] [warning] corrupt decoded frame in stream 0',
  other: '[error] Conversion failed!',
};

describe('classifyRemuxError: each pattern on a failed run', () => {
  test.each([
    ['nonMonotonous', 'non_monotonic_dts', true, true],
    ['nonMonotonic', 'non_monotonic_dts', true, true],
    ['applicationDts', 'non_monotonic_dts', true, true],
    ['unset', 'timestamps_unset', true, true],
    ['invalidDuration', 'invalid_duration', false, false],
    ['pastDuration', 'invalid_duration', false, false],
    ['trailer', 'output_invalid', false, false],
    ['noSpace', 'no_space', false, false],
    ['noDecoder', 'codec_unsupported', false, false],
  ] as const)('%s → %s (fallback %s, transcode %s)', (line, kind, retryWithFallback, retryWithTranscode) => {
    const result = classifyRemuxError(`frame=  100\n${LINES[line]}\n${LINES.other}\n`, 1);
    expect(result).toMatchObject({ kind, retryWithFallback, retryWithTranscode, exitCode: 1, matchedLine: LINES[line] });
    expect(typeof result.matched).toBe('string');
  });

  test.each(REMUX_ERROR_PATTERNS.filter((p) => typeof p.pattern === 'string'))(
    'string pattern "$pattern" matches in any case',
    ({ pattern, kind }) => {
      const text = String(pattern);
      expect(classifyRemuxError(text.toUpperCase(), 1).kind).toBe(kind);
      expect(classifyRemuxError(`x ${text.toLowerCase()} y`, 1).kind).toBe(kind);
    },
  );

  test.each([
    ['PAST DURATION 1.000 TOO LARGE', 'invalid_duration'],
    ['non-monotonous dts in output stream 0:0', 'non_monotonic_dts'],
    ['NON-MONOTONIC DTS; previous', 'non_monotonic_dts'],
  ])('regex patterns are case-insensitive: %s', (line, kind) => {
    expect(classifyRemuxError(line, 1).kind).toBe(kind);
  });

  test('Past duration needs "too large" on the same line', () => {
    expect(classifyRemuxError('Past duration 0.5\ntoo large', 1).kind).toBe('generic');
  });
});

describe('classifyRemuxError: the rules', () => {
  test('exit 0, clean stderr → none', () => {
    expect(classifyRemuxError('', 0)).toEqual({
      kind: 'none', retryWithFallback: false, retryWithTranscode: false, warnings: [], cosmetic: [], exitCode: 0,
    });
  });

  test('exit 0 with cosmetic messages → none, cosmetic listed once each', () => {
    const stderr = [LINES.pes, LINES.pes, LINES.corrupt, LINES.corruptInput, LINES.incomplete, LINES.corruptDecoded].join('\n');
    const result = classifyRemuxError(stderr, 0);
    expect(result.kind).toBe('none');
    expect(result.cosmetic).toEqual([...COSMETIC_PATTERNS]);
  });

  test('exit 0 with warning-level timestamp messages → none (ffmpeg went on), warnings listed', () => {
    const result = classifyRemuxError([LINES.nonMonotonous, LINES.invalidDuration, LINES.pastDuration].join('\r\n'), 0);
    expect(result.kind).toBe('none');
    expect(result.warnings).toEqual(['/non-monoton(?:ous|ic) DTS/i', 'Packet with invalid duration', '/past duration .* too large/i']);
  });

  test('exit 0 with Error writing trailer → output_invalid, no retry', () => {
    expect(classifyRemuxError(`${LINES.pes}\n${LINES.trailer}`, 0)).toMatchObject({
      kind: 'output_invalid', retryWithFallback: false, retryWithTranscode: false, cosmetic: ['PES packet size mismatch'],
    });
  });

  test('exit 0 with the fatal dts error → a failure that may climb', () => {
    expect(classifyRemuxError(LINES.applicationDts, 0)).toMatchObject({ kind: 'non_monotonic_dts', retryWithFallback: true });
  });

  test.each([1, 255, -1, null])('exit %s with only cosmetic messages → generic failure, never none', (exitCode) => {
    const result = classifyRemuxError(`${LINES.pes}\n${LINES.incomplete}\n${LINES.corruptDecoded}`, exitCode);
    expect(result).toMatchObject({ kind: 'generic', retryWithFallback: false, retryWithTranscode: true, exitCode });
    expect(result.cosmetic).toHaveLength(3);
    expect(result.matched).toBeUndefined();
  });

  test.each([1, null])('exit %s with empty stderr → generic', (exitCode) => {
    expect(classifyRemuxError('', exitCode).kind).toBe('generic');
  });

  test('fatal patterns win over cosmetic ones', () => {
    expect(classifyRemuxError(`${LINES.corrupt}\n${LINES.applicationDts}\n${LINES.pes}`, 1).kind).toBe('non_monotonic_dts');
  });

  test.each([
    ['invalid duration first in stderr, timestamp later', [LINES.invalidDuration, LINES.nonMonotonous], 'non_monotonic_dts'],
    ['past duration and unset timestamps', [LINES.pastDuration, LINES.unset], 'timestamps_unset'],
    ['unset, then the fatal dts error', [LINES.unset, LINES.applicationDts], 'non_monotonic_dts'],
    ['trailer error and invalid duration', [LINES.trailer, LINES.invalidDuration], 'invalid_duration'],
    ['a full disk before anything else', [LINES.nonMonotonous, LINES.noSpace], 'no_space'],
  ])('precedence is table order, not stderr order: %s', (_name, lines, kind) => {
    expect(classifyRemuxError(lines.join('\n'), 1).kind).toBe(kind);
  });

  test('lone \\r line ends (ffmpeg stats lines) split lines', () => {
    const result = classifyRemuxError(`frame=1 fps=0\rframe=2 fps=0\r${LINES.unset}\r`, 1);
    expect(result.matchedLine).toBe(LINES.unset);
  });

  test('a very long matched line is cut to 500 characters', () => {
    const result = classifyRemuxError(`Packet with invalid duration ${'x'.repeat(2000)}`, 1);
    expect(result.matchedLine).toHaveLength(500);
  });
});

describe('REMUX_ERROR_PATTERNS', () => {
  test('is plain data with the documented retry flags', () => {
    expect(REMUX_ERROR_PATTERNS.map((p) => [p.kind, p.retryWithFallback, p.retryWithTranscode, p.fatal])).toEqual([
      ['no_space', false, false, true],
      ['codec_unsupported', false, false, true],
      ['non_monotonic_dts', true, true, true],
      ['non_monotonic_dts', true, true, false],
      ['timestamps_unset', true, true, false],
      ['invalid_duration', false, false, false],
      ['invalid_duration', false, false, false],
      ['output_invalid', false, false, true],
    ]);
  });
});

describe('isClassifierLine', () => {
  test.each(Object.entries(LINES))('%s', (name, line) => {
    expect(isClassifierLine(line)).toBe(name !== 'other');
    expect(isClassifierLine(line.toUpperCase())).toBe(name !== 'other');
  });

  test.each(['', 'frame=  100 fps= 25 q=-1.0 size=     256kB', '[info] Stream mapping:'])('%j is not', (line) => {
    expect(isClassifierLine(line)).toBe(false);
  });
});

describe('remuxErrorKindForOutcome', () => {
  test.each<[OutcomeReason, string | undefined]>([
    ['stalled', 'stalled'],
    ['timeout', 'timeout'],
    ['aborted', 'aborted'],
    ['spawn_failed', 'spawn_failed'],
    ['failed', undefined],
    ['completed', undefined],
  ])('%s → %s', (reason, kind) => {
    expect(remuxErrorKindForOutcome(reason)).toBe(kind);
  });
});

describe('real ffmpeg: a backward timestamp jump (two recordings with B-frames joined byte by byte)', () => {
  let dir: string | undefined;
  let jumped = '';
  beforeAll(async () => {
    dir = createTempDir('ffsup-classify-');
    const part = await generateTs(dir, 'part.ts', { videoCodec: 'libx264', bFrames: 2, audioCodec: 'ac3', durationSec: 1 });
    const bytes = readFileSync(part);
    jumped = join(dir, 'jumped.ts');
    writeFileSync(jumped, Buffer.concat([bytes, bytes]));
  });
  afterAll(() => removeTempDir(dir));

  describe.each(FFMPEG_BINARIES)('$name', ({ path: ffmpegPath }) => {
    test.skipIf(ffmpegPath === undefined).each(['level+warning', 'error'] as const)(
      'strategy fallback at -loglevel %s',
      async (level) => {
        const binary = ffmpegPath as string;
        const args = buildStrategyArgs('fallback', {
          input: { kind: 'file', path: jumped },
          output: join(dir as string, `out-${level}.mp4`),
          capabilities: await probeCapabilities(binary),
          logLevel: level,
        });
        const { stderr } = await execFileAsync(binary, args, { timeout: 60_000, env: STATIC_BUILD_ENV });
        const result = classifyRemuxError(stderr, 0);
        // ffmpeg warns, rewrites the timestamps and exits 0: a success that carries warnings.
        expect(result.kind).toBe('none');
        if (level === 'error') {
          // What the source system saw: nothing at all.
          expect(result.warnings).toEqual([]);
        } else {
          expect(result.warnings).toContain('/non-monoton(?:ous|ic) DTS/i');
          expect(classifyRemuxError(stderr, 1)).toMatchObject({ kind: 'non_monotonic_dts', retryWithFallback: true });
        }
      },
    );
  });
});
