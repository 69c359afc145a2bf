import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { probeCapabilities } from '../../src/supervisor/capabilities.js';
import { createTempDir, ffprobeJson, generateTs, removeTempDir, SYSTEM_FFMPEG_PATH, SYSTEM_FFPROBE_PATH } from '../helpers/media.js';
import { killTracked, trackPid } from '../helpers/processes.js';

// The source CLI, run by Node through tsx: what is tested is this checkout's code, built or not.
const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'src/cli/main.ts');

/**
 * Debian's ffmpeg 5.1 lists h264_vaapi and h264_nvenc, and this machine has no GPU, render node
 * or driver: they really fail to start, and the ladder falls back to libx264 in the same attempt.
 * Skipped where the binary is absent, lacks the encoder, or the hardware is there.
 */
const listed = new Set(SYSTEM_FFMPEG_PATH ? await probeCapabilities(SYSTEM_FFMPEG_PATH).then((capabilities) => capabilities.encoders, () => []) : []);
const hardwarePresent = existsSync('/dev/dri') || existsSync('/dev/nvidiactl');
const canFail = (encoder: string) => SYSTEM_FFMPEG_PATH !== undefined && SYSTEM_FFPROBE_PATH !== undefined && listed.has(encoder) && !hardwarePresent;

let dir: string;
let hevc: string;

beforeAll(async () => {
  dir = createTempDir('ffsup-cli-transcode-');
  // HEVC goes straight to the transcode rung; 2 s at 320x240 keeps the run to a few seconds.
  if (SYSTEM_FFMPEG_PATH) hevc = await generateTs(dir, 'hevc.ts', { videoCodec: 'libx265', audioCodec: 'ac3', durationSec: 2, ffmpegPath: SYSTEM_FFMPEG_PATH });
}, 60_000);
afterEach(() => killTracked());
afterAll(() => removeTempDir(dir));

function remux(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const binaries = ['--ffmpeg', SYSTEM_FFMPEG_PATH as string, '--ffprobe', SYSTEM_FFPROBE_PATH as string];
  return new Promise((resolveRun) => {
    const child = execFile(process.execPath, ['--import', 'tsx', CLI, 'remux', ...args, ...binaries], { cwd: ROOT, timeout: 60_000 }, (error, stdout, stderr) =>
      resolveRun({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
    trackPid(child.pid);
  });
}

/** The parts of a `--json` event this test reads. */
interface CliEvent {
  readonly event: string;
  readonly index?: number;
  readonly strategy?: string;
  readonly args?: readonly string[];
  readonly encoder?: { readonly requested: string; readonly encoder: string; readonly left: ReadonlyArray<{ readonly detail: string }> };
}

const leftovers = () => readdirSync(dir).filter((name) => name.startsWith('.'));

/** `flag value` adjacent in `args`. */
const hasPair = (args: readonly string[] | undefined, flag: string, value: string) =>
  args !== undefined && args.some((arg, index) => arg === flag && args[index + 1] === value);

describe('remux: the transcode flags reach the ladder (real Debian ffmpeg, no hardware)', () => {
  test.skipIf(!canFail('h264_vaapi'))(
    '--encoder h264_vaapi --crf 30 --preset ultrafast --json: VAAPI fails to start, libx264 makes an H.264 MP4 with the settings asked for',
    async () => {
      const output = join(dir, 'vaapi.mp4');
      const { code, stdout, stderr } = await remux([hevc, '-o', output, '--encoder', 'h264_vaapi', '--crf', '30', '--preset', 'ultrafast', '--json']);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const events = stdout.trim().split('\n').map((line) => JSON.parse(line) as CliEvent);

      const starts = events.filter((event) => event.event === 'attempt');
      expect(starts.map((event) => [event.index, event.strategy, event.encoder?.encoder])).toEqual([
        [0, 'transcode', 'h264_vaapi'],
        [0, 'transcode', 'libx264'],
      ]);
      // VAAPI was started with the CRF as its constant QP, on the default render node.
      expect(hasPair(starts[0]?.args, '-c:v', 'h264_vaapi')).toBe(true);
      expect(hasPair(starts[0]?.args, '-qp', '30')).toBe(true);
      expect(hasPair(starts[0]?.args, '-vaapi_device', '/dev/dri/renderD128')).toBe(true);
      // Then libx264, in the same attempt, with the preset and CRF of the command line.
      expect(starts[1]?.encoder).toMatchObject({ requested: 'h264_vaapi', encoder: 'libx264', left: [{ encoder: 'h264_vaapi', reason: 'init_failed', exitCode: 1 }] });
      expect(starts[1]?.encoder?.left[0]?.detail).toMatch(/VA display|Device creation|opening encoder/i);
      expect(hasPair(starts[1]?.args, '-c:v', 'libx264')).toBe(true);
      expect(hasPair(starts[1]?.args, '-crf', '30')).toBe(true);
      expect(hasPair(starts[1]?.args, '-preset', 'ultrafast')).toBe(true);

      expect(events.filter((event) => event.event === 'attemptEnd')).toEqual([
        expect.objectContaining({ strategy: 'transcode', kind: 'none', encoder: expect.objectContaining({ requested: 'h264_vaapi', encoder: 'libx264' }) }),
      ]);
      expect(events.at(-1)).toMatchObject({ event: 'result', exitCode: 0, output, strategy: 'transcode', attempts: 1, encoder: { requested: 'h264_vaapi', encoder: 'libx264' } });

      const probe = await ffprobeJson(output);
      expect(probe.streams.find((stream) => stream.codec_type === 'video')?.codec_name).toBe('h264');
      expect(leftovers()).toEqual([]);
    },
    60_000,
  );

  test.skipIf(!canFail('h264_nvenc'))('plain lines: the encoder asked for, why it was left, and the one that made the file', async () => {
    const output = join(dir, 'nvenc.mp4');
    const { code, stdout, stderr } = await remux([hevc, '-o', output, '--encoder', 'h264_nvenc', '--threads', '1', '--nice', '10']);
    expect({ code, stdout }).toEqual({ code: 0, stdout: '' });
    expect(stderr).toMatch(/^attempt 1: transcode with h264_nvenc \(re-encode/m);
    expect(stderr).toMatch(/^\[transcode h264_nvenc\] failed to start, trying libx264: .*(libcuda|nvenc|opening encoder)/im);
    expect(stderr).toContain(`done: wrote ${output} (strategy transcode, encoder libx264 in place of h264_nvenc, `);
    expect(stderr).not.toMatch(/[\r\x1b]/);
    const probe = await ffprobeJson(output);
    expect(probe.streams.find((stream) => stream.codec_type === 'video')?.codec_name).toBe('h264');
  }, 60_000);
});
