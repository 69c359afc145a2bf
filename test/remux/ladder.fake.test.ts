import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { RemuxError } from '../../src/remux/errors.js';
import { RemuxLadder } from '../../src/remux/ladder.js';
import { ERROR_WRITING_TRAILER, NON_MONOTONIC_DTS, PES_PACKET_SIZE_MISMATCH } from '../../src/testing/scenario/ffmpeg-messages.js';
import { scenarios } from '../../src/testing/scenario/builders.js';
import type { FakeFfmpegScenario } from '../../src/testing/scenario/format.js';
import { createTempDir, generateTs, NPM_FFMPEG_PATH, removeTempDir, STATIC_BUILD_ENV } from '../helpers/media.js';
import { ffmpeg, RECORDINGS } from '../helpers/recordings.js';
import { killTracked } from '../helpers/processes.js';
import { rejectionOf } from '../helpers/rejection.js';
import { type RoutedFake, routeFakesByArgs } from '../helpers/route-fakes.js';

let dir: string;
let input: string;
let goodMp4: string;
/** An MP4 whose picture starts 3.8 s after its sound: a copy of a mid-GOP recording without the audio trim. */
let latePictureMp4: string;
const routed: RoutedFake[] = [];

beforeAll(async () => {
  dir = createTempDir('ffsup-ladder-fake-');
  input = await generateTs(dir, 'recording.ts', { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 3 });
  goodMp4 = join(dir, 'good.mp4');
  execFileSync(NPM_FFMPEG_PATH as string, ['-v', 'error', '-i', input, '-c:v', 'copy', '-c:a', 'aac', goodMp4], { env: STATIC_BUILD_ENV });
  const midGop = await RECORDINGS.midGop(dir);
  latePictureMp4 = join(dir, 'late-picture.mp4');
  await ffmpeg(['-i', `file:${midGop}`, '-c:v', 'copy', '-c:a', 'aac', `file:${latePictureMp4}`]);
}, 60_000);

afterEach(async () => {
  await killTracked();
  for (const fake of routed.splice(0)) fake.cleanup();
});
afterAll(() => removeTempDir(dir));

const DEFAULT = 'asetpts=PTS-STARTPTS,aresample=async=1000:first_pts=0,aformat=channel_layouts=stereo'; // default's audio filter
const FALLBACK = '-max_interleave_delta';
const TRANSCODE = 'libx264';

const writesGoodOutput = (): FakeFfmpegScenario => scenarios.completes({ blocks: 3, everyMs: 10, outputFrom: goodMp4 });
const failsWithDts = (): FakeFfmpegScenario =>
  scenarios.failsWith({ stderr: [PES_PACKET_SIZE_MISMATCH, NON_MONOTONIC_DTS, 'Conversion failed!'], exitCode: 1 });

function ladderWith(routes: Parameters<typeof routeFakesByArgs>[0], otherwise: FakeFfmpegScenario, options = {}) {
  const fake = routeFakesByArgs(routes, otherwise);
  routed.push(fake);
  // The stall tests stall after progress (the running phase), so the startup grace can be generous
  // enough for the fake's Node start-up on a loaded machine.
  const ladder = new RemuxLadder({ ffmpegPath: fake.path, stallTimeoutMs: 400, startupGraceMs: 10_000, killGraceMs: 300, ...options });
  const stalls: string[] = [];
  const attempts: string[] = [];
  ladder.on('stall', (stall) => stalls.push(stall.strategy));
  ladder.on('attempt', (attempt) => attempts.push(attempt.strategy));
  return { ladder, stalls, attempts };
}

const tempFilesIn = (path: string) => readdirSync(path).filter((name) => name.startsWith('.'));

describe('RemuxLadder failure paths (fake ffmpeg, real ffprobe)', () => {
  test('a DTS failure in default climbs to fallback, which succeeds', async () => {
    const output = join(dir, 'dts.mp4');
    const { ladder, attempts } = ladderWith([{ marker: DEFAULT, scenario: failsWithDts() }], writesGoodOutput());
    const result = await ladder.remux({ inputs: [input], output });
    expect(result.strategy).toBe('fallback');
    expect(attempts).toEqual(['default', 'fallback']);
    expect(result.attempts.map((attempt) => attempt.kind)).toEqual(['non_monotonic_dts', 'none']);
    expect(existsSync(output)).toBe(true);
    expect(tempFilesIn(dir)).toEqual([]);
  });

  test('a DTS failure in fallback too climbs to transcode', async () => {
    const output = join(dir, 'dts-twice.mp4');
    const { ladder } = ladderWith(
      [
        { marker: DEFAULT, scenario: failsWithDts() },
        { marker: FALLBACK, scenario: failsWithDts() },
      ],
      writesGoodOutput(),
    );
    const result = await ladder.remux({ inputs: [input], output });
    expect(result.attempts.map((attempt) => attempt.strategy)).toEqual(['default', 'fallback', 'transcode']);
    expect(result.strategy).toBe('transcode');
  });

  test('an output whose picture starts late climbs: default and fallback (same late copy) → transcode', async () => {
    const output = join(dir, 'late.mp4');
    const late = () => scenarios.completes({ blocks: 2, everyMs: 10, outputFrom: latePictureMp4 });
    const { ladder, attempts } = ladderWith([{ marker: DEFAULT, scenario: late() }, { marker: FALLBACK, scenario: late() }], writesGoodOutput());
    const result = await ladder.remux({ inputs: [input], output });
    expect(attempts).toEqual(['default', 'fallback', 'transcode']);
    expect(result.attempts.map((attempt) => attempt.kind)).toEqual(['output_invalid', 'output_invalid', 'none']);
    expect(result.attempts[0]?.stderrTail).toMatch(/\[output check\] the picture starts 3\.\d\d s after the sound/);
  });

  test('one ladder, two concurrent jobs: every event, result and error carries its request id', async () => {
    const { ladder } = ladderWith([{ marker: 'file:' + join(dir, 'job-b.ts'), scenario: failsWithDts() }], writesGoodOutput());
    writeFileSync(join(dir, 'job-b.ts'), readFileSync(input));
    const seen: Array<[string, string]> = [];
    for (const event of ['decision', 'attempt', 'attemptEnd', 'progress'] as const) {
      ladder.on(event, (payload: { id: string }) => seen.push([event, payload.id]));
    }
    // job-b's ffmpeg fails with a DTS error on every rung.
    const [a, b] = await Promise.all([
      ladder.remux({ inputs: [input], output: join(dir, 'job-a.mp4'), id: 'job-a' }),
      rejectionOf<RemuxError>(ladder.remux({ inputs: [join(dir, 'job-b.ts')], output: join(dir, 'job-b.mp4'), id: 'job-b' })),
    ]);
    expect([a.id, b.id]).toEqual(['job-a', 'job-b']);
    expect(b.attempts.map((attempt) => [attempt.id, attempt.strategy])).toEqual([['job-b', 'default'], ['job-b', 'fallback'], ['job-b', 'transcode']]);
    expect(new Set(seen.map(([, id]) => id))).toEqual(new Set(['job-a', 'job-b']));
    expect(seen.filter(([event, id]) => event === 'attempt' && id === 'job-b')).toHaveLength(3);
    expect(seen.filter(([event, id]) => event === 'attempt' && id === 'job-a')).toHaveLength(1);
    const generated = await ladder.remux({ inputs: [input], output: join(dir, 'job-c.mp4') });
    expect(generated.id).toMatch(/^[0-9a-f-]{36}$/); // a UUID when the host passes none
  });

  test('a stall in default → stalled, exactly one attempt, no climb, no temp file, output untouched', async () => {
    const output = join(dir, 'stall.mp4');
    const { ladder, stalls } = ladderWith([{ marker: DEFAULT, scenario: scenarios.progressThenHang() }], writesGoodOutput());
    const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output }));
    expect(error).toMatchObject({ name: 'RemuxError', code: 'ERR_REMUX_FAILED', kind: 'stalled' });
    expect(error.attempts).toHaveLength(1);
    expect(error.attempts[0]).toMatchObject({ strategy: 'default', kind: 'stalled', outcome: { reason: 'stalled' } });
    expect(stalls).toEqual(['default']);
    expect(existsSync(output)).toBe(false);
    expect(tempFilesIn(dir)).toEqual([]);
  });

  test('a stall in fallback never goes on to transcode', async () => {
    const output = join(dir, 'stall-fallback.mp4');
    const { ladder, attempts } = ladderWith(
      [
        { marker: DEFAULT, scenario: failsWithDts() },
        { marker: FALLBACK, scenario: scenarios.ignoresSigterm(scenarios.progressThenHang()) },
      ],
      writesGoodOutput(),
    );
    const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output }));
    expect(error.kind).toBe('stalled');
    expect(attempts).toEqual(['default', 'fallback']);
    expect(error.attempts[1]?.outcome.forcedKill).toBe(true);
  });

  test('abort mid-attempt → aborted with the reason as cause, temp removed, no climb', async () => {
    const output = join(dir, 'abort.mp4');
    const controller = new AbortController();
    const { ladder, attempts } = ladderWith([], scenarios.progressThenHang(), { stallTimeoutMs: 60_000 });
    ladder.once('progress', () => controller.abort(new Error('service shutting down')));
    const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output, signal: controller.signal }));
    expect(error.kind).toBe('aborted');
    expect(((error.cause as Error).cause as Error).message).toBe('service shutting down');
    expect(attempts).toEqual(['default']);
    expect(existsSync(output)).toBe(false);
    expect(tempFilesIn(dir)).toEqual([]);
  });

  test('exit 0 with an unreadable output → output_invalid; the output path is untouched', async () => {
    const output = join(dir, 'invalid.mp4');
    writeFileSync(output, 'the previous good file');
    const { ladder } = ladderWith([], scenarios.completes({ outputText: 'not an mp4 at all' }));
    const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output }));
    expect(error.kind).toBe('output_invalid');
    expect(error.attempts).toHaveLength(1);
    expect(error.attempts[0]?.stderrTail).toMatch(/\[output check\]/);
    expect(execFileSync('cat', [output], { encoding: 'utf8' })).toBe('the previous good file');
    expect(tempFilesIn(dir)).toEqual([]);
  });

  test('exit 0 after "Error writing trailer: No space left on device" → no_space, no climb', async () => {
    const output = join(dir, 'trailer.mp4');
    const scenario: FakeFfmpegScenario = {
      steps: [{ writeOutput: { from: goodMp4 } }, { stderr: ERROR_WRITING_TRAILER }, { progress: { end: true } }, { exit: 0 }],
    };
    const { ladder, attempts } = ladderWith([], scenario);
    const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output }));
    expect(error.kind).toBe('no_space');
    expect(attempts).toEqual(['default']);
    expect(existsSync(output)).toBe(false);
  });

  test('a generic failure in default does not climb (the ladder only climbs where it can help)', async () => {
    const output = join(dir, 'generic.mp4');
    const { ladder, attempts } = ladderWith([], scenarios.failsWith({ stderr: ['file:in.ts: Invalid data found when processing input'] }));
    const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output }));
    expect(error.kind).toBe('generic');
    expect(error.message).toMatch(/Invalid data found/);
    expect(attempts).toEqual(['default']);
  });

  test('sidecars: .err.log on failure with the stderr tail, then .meta.json on success removes it', async () => {
    const output = join(dir, 'sidecar.mp4');
    const failing = ladderWith([], failsWithDts(), { sidecars: true });
    await rejectionOf(failing.ladder.remux({ inputs: [input], output }));
    expect(execFileSync('cat', [`${output}.err.log`], { encoding: 'utf8' })).toMatch(/non monotonically increasing dts/);
    const succeeding = ladderWith([], writesGoodOutput(), { sidecars: true });
    await succeeding.ladder.remux({ inputs: [input], output });
    expect(JSON.parse(execFileSync('cat', [`${output}.meta.json`], { encoding: 'utf8' }))).toMatchObject({ strategy: 'default' });
    expect(existsSync(`${output}.err.log`)).toBe(false);
  });

  test('two concurrent jobs on one output never expose a partial file', async () => {
    const output = join(dir, 'shared.mp4');
    const { ladder } = ladderWith([], writesGoodOutput());
    const results = await Promise.all([ladder.remux({ inputs: [input], output }), ladder.remux({ inputs: [input], output })]);
    expect(results.map((result) => result.strategy)).toEqual(['default', 'default']);
    expect(execFileSync('cmp', [output, goodMp4]).length).toBe(0);
    expect(tempFilesIn(dir)).toEqual([]);
  });

  test('an already-aborted signal rejects without running anything', async () => {
    const controller = new AbortController();
    controller.abort();
    const { ladder, attempts } = ladderWith([], writesGoodOutput());
    const error = await rejectionOf<RemuxError>(ladder.remux({ inputs: [input], output: join(dir, 'x.mp4'), signal: controller.signal }));
    expect(error.kind).toBe('aborted');
    expect(attempts).toEqual([]);
  });
});
