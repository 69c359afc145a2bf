import { describe, expect, test } from 'vitest';
import { parseCliArgs } from '../../src/cli/parse-args.js';

const NO_FLAGS = {
  stallTimeoutMs: undefined,
  startupGraceMs: undefined,
  timeoutMs: undefined,
  killGraceMs: undefined,
  ffmpegPath: undefined,
  json: false,
};

describe('parseCliArgs: remux', () => {
  test.each([
    {
      argv: ['remux', 'a.ts', '-o', 'out.mp4'],
      expected: { command: 'remux', inputs: ['a.ts'], output: 'out.mp4', ffprobePath: undefined, sidecars: false, ...NO_FLAGS },
    },
    {
      argv: ['remux', 'part 1.ts', 'part 2.ts', '--output=out.mp4', '--json', '--sidecars'],
      expected: { inputs: ['part 1.ts', 'part 2.ts'], output: 'out.mp4', json: true, sidecars: true },
    },
    {
      argv: ['remux', '-o', 'o.mp4', 'a.ts', '--stall-timeout', '90s', '--startup-grace', '0s', '--timeout', '1h', '--kill-grace', '500ms'],
      expected: { stallTimeoutMs: 90_000, startupGraceMs: 0, timeoutMs: 3_600_000, killGraceMs: 500 },
    },
    {
      argv: ['remux', 'a.ts', '-o', 'o.mp4', '--stall-timeout', '2', '--ffmpeg', '/opt/ffmpeg', '--ffprobe', '/opt/ffprobe'],
      expected: { stallTimeoutMs: 2_000, ffmpegPath: '/opt/ffmpeg', ffprobePath: '/opt/ffprobe' },
    },
    { argv: ['remux', '-o', 'o.mp4', '--', '-odd name.ts'], expected: { inputs: ['-odd name.ts'] } },
  ])('$argv', ({ argv, expected }) => {
    expect(parseCliArgs(argv)).toMatchObject({ command: 'remux', ...expected });
  });
});

describe('parseCliArgs: run', () => {
  test.each([
    {
      argv: ['run', '--', '-i', 'in.ts', '-c', 'copy', 'out.mp4'],
      expected: { command: 'run', ffmpegArgs: ['-i', 'in.ts', '-c', 'copy', 'out.mp4'], expectedDurationMs: undefined, ...NO_FLAGS },
    },
    {
      argv: ['run', '--expected-duration', '10m', '--stall-timeout', '1s', '--json', '--', '-i', 'x', '--', '-h'],
      expected: { ffmpegArgs: ['-i', 'x', '--', '-h'], expectedDurationMs: 600_000, stallTimeoutMs: 1_000, json: true },
    },
  ])('$argv', ({ argv, expected }) => {
    expect(parseCliArgs(argv)).toMatchObject({ command: 'run', ...expected });
  });
});

describe('parseCliArgs: media on stdin and stdout (issue 14)', () => {
  test.each([
    [['-i', 'in.ts', '-c', 'copy', '-f', 'mpegts', '-'], false, true],
    [['-i', 'in.ts', '-f', 'mpegts', 'pipe:1'], false, true],
    [['-i', '-', '-c', 'copy', 'out.ts'], true, false],
    [['-i', 'pipe:0', '-f', 'mpegts', 'pipe:'], true, true],
    [['-i', 'in.ts', 'out.ts'], false, false],
    [['-i', 'in.ts', '-f', 'null', '-'], false, false],
    [['-i', '-', '-f', 'null', '-', '-f', 'mpegts', '-c', 'copy', 'pipe:1'], true, true],
  ])('%j → stdin %s, stdout %s', (ffmpegArgs, stdinMedia, stdoutMedia) => {
    expect(parseCliArgs(['run', '--', ...ffmpegArgs])).toMatchObject({ command: 'run', stdinMedia, stdoutMedia });
  });

  test('a value that starts with a dash is a value (a path), not an option', () => {
    expect(parseCliArgs(['remux', 'a.ts', '-o', '-out.mp4'])).toMatchObject({ command: 'remux', output: '-out.mp4', inputs: ['a.ts'] });
    expect(parseCliArgs(['run', '--ffmpeg', '-ffmpeg', '--', '-i', 'x', 'y'])).toMatchObject({ command: 'run', ffmpegPath: '-ffmpeg' });
  });
});

describe('parseCliArgs: doctor', () => {
  test.each([
    [['doctor'], { command: 'doctor', ffmpegPath: undefined, ffprobePath: undefined, json: false }],
    [['doctor', '--ffmpeg', '/opt/ffmpeg', '--ffprobe', '/opt/ffprobe', '--json'], { command: 'doctor', ffmpegPath: '/opt/ffmpeg', ffprobePath: '/opt/ffprobe', json: true }],
    [['doctor', '--help'], { command: 'help' }],
  ])('%j', (argv, expected) => {
    expect(parseCliArgs(argv)).toEqual(expected);
  });
});

describe('parseCliArgs: help and version', () => {
  test.each([
    [['--help'], 'help'],
    [['-h'], 'help'],
    [['help'], 'help'],
    [['remux', '--help'], 'help'],
    [['remux', '-h', '--bogus'], 'help'],
    [['run', '-h'], 'help'],
    [['run', '--help', '--', '-i', 'x'], 'help'],
    [['--version'], 'version'],
    [['remux', '--version'], 'version'],
  ])('%j → %s', (argv, command) => {
    expect(parseCliArgs(argv)).toEqual({ command });
  });

  test('a -h among the ffmpeg arguments goes to ffmpeg', () => {
    expect(parseCliArgs(['run', '--', '-h'])).toMatchObject({ command: 'run', ffmpegArgs: ['-h'] });
  });
});

describe('parseCliArgs: usage errors', () => {
  test.each([
    [[], /^missing command \(remux, run or doctor\)$/],
    [['convert', 'a.ts'], /^unknown command 'convert'/],
    [['-o', 'x.mp4'], /^expected a command \(remux, run or doctor\) before '-o'/],
    [['remux', 'a.ts'], /^remux needs -o <out\.mp4>$/],
    [['remux', '-o', 'out.mp4'], /^remux needs at least one input part$/],
    [['remux', 'a.ts', '-o'], /^option '-o, --output <value>' argument missing$/],
    [['remux', 'a.ts', '-o', 'o.mp4', '--bogus'], /^unknown option '--bogus'$/],
    [['remux', 'a.ts', '-o', 'o.mp4', '--json=yes'], /^option '--json' does not take an argument$/],
    [['remux', 'a.ts', '-o', 'a.ts'], /^the output 'a\.ts' is also an input$/],
    [['remux', 'a.ts', '-o', 'o.mp4', '--stall-timeout', 'soon'], /^bad duration for --stall-timeout: 'soon' \(use e\.g\. 500ms/],
    [['remux', 'a.ts', '-o', 'o.mp4', '--stall-timeout', '0s'], /^--stall-timeout must be more than 0/],
    [['remux', 'a.ts', '-o', 'o.mp4', '--timeout', '0'], /^--timeout must be more than 0/],
    [['remux', 'a.ts', '-o', 'o.mp4', '--kill-grace', '5 s'], /^bad duration for --kill-grace: '5 s'/],
    [['remux', 'a.ts', '-o', 'o.mp4', '--ffmpeg', ''], /^--ffmpeg needs a path$/],
    [['run', '-i', 'in.ts', 'out.mp4'], /^run needs '--' before the ffmpeg arguments/],
    [['run', '--'], /^no ffmpeg arguments after '--'$/],
    [['run', 'in.ts', '--', '-i', 'x'], /^unexpected argument 'in\.ts'$/],
    [['run', '-o', 'x', '--', '-i', 'x'], /^unknown option '-o'$/],
    [['run', '--sidecars', '--', '-i', 'x'], /^unknown option '--sidecars'$/],
    [['run', '--expected-duration', 'long', '--', '-i', 'x'], /^bad duration for --expected-duration: 'long'/],
    [['run', '--', '-i', 'x', '-progress', 'pipe:1', 'out.mp4'], /^remove -progress from the ffmpeg arguments/],
    // Issue 14: every bad value is the CLI's own message, a negative one included.
    [['run', '--timeout', '-5s', '--', '-i', 'x', 'y'], /^--timeout must be a positive duration; got '-5s'$/],
    [['remux', 'a.ts', '-o', 'o.mp4', '--stall-timeout', '-1'], /^--stall-timeout must be a positive duration; got '-1'$/],
    [['run', '--kill-grace=-2s', '--', '-i', 'x', 'y'], /^--kill-grace must be a positive duration; got '-2s'$/],
    [['run', '--timeout', '--', '-i', 'x', 'y'], /^option '--timeout <value>' argument missing$/],
    [['run', '--json', '--', '-i', 'in.ts', '-f', 'mpegts', '-'], /^--json writes its events to stdout, where ffmpeg's output '-' goes/],
    [['run', '--', '-i', 'in.ts', '-f', 'mpegts', 'pipe:2'], /^ffmpeg can write media to stdout only \('-' or 'pipe:1'\), not to 'pipe:2': stderr carries its log$/],
    [['run', '--', '-i', 'in.ts', '-f', 'mpegts', 'pipe:3'], /^ffmpeg can write media to stdout only \('-' or 'pipe:1'\), not to 'pipe:3'/],
    [['run', '--', '-i', 'pipe:3', 'out.ts'], /^ffmpeg can read media from stdin only \('-i -' or '-i pipe:0'\), not from 'pipe:3'$/],
    [['run', '--restart', 'on-stall', '--', '-i', '-', 'out.ts'], /^--restart cannot pass media through stdin or stdout/],
    [['doctor', 'extra'], /^unexpected argument 'extra'/],
    [['doctor', '--ffprobe', ''], /^--ffprobe needs a path$/],
  ])('%j', (argv, message) => {
    const request = parseCliArgs(argv);
    expect(request.command).toBe('usage-error');
    expect(request).toMatchObject({ message: expect.stringMatching(message) });
    expect((request as { message: string }).message).not.toMatch(/\n/);
  });
});
