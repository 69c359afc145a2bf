import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RemuxError } from '../../src/remux/errors.js';
import { INPUT_PROBE_PACKETS } from '../../src/remux/first-keyframe.js';
import type { ProbeMediaOptions } from '../../src/remux/probe-media.js';
import { inspectInputs } from '../../src/remux/remux-preflight.js';
import type { SpawnFunction } from '../../src/supervisor/options.js';
import { createTempDir, generateTs, NPM_FFPROBE_PATH, removeTempDir, STATIC_BUILD_ENV, SYSTEM_FFPROBE_PATH } from '../helpers/media.js';
import { RECORDINGS } from '../helpers/recordings.js';

const FFPROBES = [
  { name: 'npm static ffprobe', path: NPM_FFPROBE_PATH },
  { name: 'Debian ffprobe 5.1', path: SYSTEM_FFPROBE_PATH },
] as const;

let dir: string;
const media: Record<string, string> = {};
beforeAll(async () => {
  dir = createTempDir('ffsup-preflight-');
  [media['midGop'], media['midGopLate'], media['manyTracks'], media['emptyAudio'], media['radio']] = await Promise.all([
    RECORDINGS.midGop(dir),
    RECORDINGS.midGopLate(dir),
    RECORDINGS.midGopLateManyTracks(dir),
    RECORDINGS.emptyAudioPid(dir),
    generateTs(dir, 'radio.ts', { videoCodec: 'none', audioCodec: 'mp2', durationSec: 2 }),
  ]);
}, 120_000);
afterAll(() => removeTempDir(dir));

/**
 * Runs `inspectInputs` with a spawn that records each ffprobe's arguments; `quickRun`, when
 * given, replaces the program of the runs within ffprobe's own read limits (a failing or hanging
 * ffprobe).
 */
async function inspect(path: string, ffprobePath: string, { quickRun, timeoutMs }: { quickRun?: readonly string[]; timeoutMs?: number } = {}) {
  const runs: string[][] = [];
  const counting = ((file: string, args: readonly string[], options: object) => {
    runs.push([...args]);
    const [program, ...programArgs] = quickRun !== undefined && !args.includes('-analyzeduration') ? quickRun : [file, ...args];
    return spawn(program as string, programArgs, { ...options, env: STATIC_BUILD_ENV });
  }) as unknown as SpawnFunction;
  const probeOptions = (): ProbeMediaOptions => ({ ffprobePath, spawn: counting, timeoutMs });
  const fail = (kind: string, message: string) => new RemuxError(message, { kind: kind as never, attempts: [] });
  const inspected = await inspectInputs([path], { audioTracks: undefined, probeOptions, fail });
  return { ...inspected, runs };
}

describe.each(FFPROBES)('probing the first part ($name)', ({ path: ffprobePath }) => {
  test.skipIf(ffprobePath === undefined)('a mid-GOP start: one ffprobe run within its own read limits, the keyframe among its packets', async () => {
    const { videoStartSec, runs } = await inspect(media['midGop'] as string, ffprobePath as string);
    expect(videoStartSec).toBeGreaterThan(1);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toEqual(expect.arrayContaining(['-read_intervals', `%+#${INPUT_PROBE_PACKETS}`]));
    expect(runs[0]).not.toContain('-analyzeduration');
  });

  test.skipIf(ffprobePath === undefined)('cut 8 s before the first keyframe: the video has no parameters at first, the long read finds them and the keyframe', async () => {
    const { videoStartSec, runs, decision } = await inspect(media['midGopLate'] as string, ffprobePath as string);
    expect(decision.streams?.video).toBeDefined();
    expect(videoStartSec).toBeGreaterThan(7.5);
    expect(runs).toHaveLength(2);
    expect(runs[1]).toEqual(expect.arrayContaining(['-analyzeduration', '20000000', '-read_intervals', `%+#${INPUT_PROBE_PACKETS}`]));
  });

  test.skipIf(ffprobePath === undefined)('the same with six audio tracks: the keyframe lies beyond the listed packets, a scan of the video alone finds it', async () => {
    const { videoStartSec, runs } = await inspect(media['manyTracks'] as string, ffprobePath as string);
    expect(videoStartSec).toBeGreaterThan(7.5);
    expect(videoStartSec).toBeLessThan(8.5);
    expect(runs).toHaveLength(3);
    expect(runs[2]).toEqual(expect.arrayContaining(['-select_streams', '0']));
  });

  test.skipIf(ffprobePath === undefined)('a declared audio PID without packets: read long once more, then dropped as empty', async () => {
    const { runs, decision } = await inspect(media['emptyAudio'] as string, ffprobePath as string);
    expect(runs).toHaveLength(2);
    expect(decision.streams?.dropped).toEqual([expect.objectContaining({ reason: 'no_parameters' })]);
  });

  test.skipIf(ffprobePath === undefined)('a first ffprobe that fails is run again with the long read', async () => {
    const { runs, decision, probes } = await inspect(media['midGop'] as string, ffprobePath as string, { quickRun: ['/bin/sh', '-c', 'exit 1'] });
    expect(runs).toHaveLength(2);
    expect(probes[0]?.ok).toBe(true);
    expect(decision).toMatchObject({ strategy: 'default', probeFailed: false });
  });

  test.skipIf(ffprobePath === undefined)('a first ffprobe that times out (a stuck share) is not run again', async () => {
    const { runs, probes } = await inspect(media['midGop'] as string, ffprobePath as string, { quickRun: ['/bin/sh', '-c', 'sleep 30'], timeoutMs: 300 });
    expect(runs).toHaveLength(1);
    expect(probes[0]).toMatchObject({ ok: false, error: expect.stringMatching(/^ffprobe timeout/) });
  });

  test.skipIf(ffprobePath === undefined)('radio has no picture: one run, no start', async () => {
    const { videoStartSec, runs } = await inspect(media['radio'] as string, ffprobePath as string);
    expect(videoStartSec).toBeUndefined();
    expect(runs).toHaveLength(1);
  });
});
