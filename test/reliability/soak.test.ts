/**
 * Case 24 of the fault table: hundreds of mixed jobs, many at once, on the subprocess fake with
 * short timeouts; then everything a run holds must be back where it was: fds, handles, child
 * processes (and grandchildren), live runs, timers on the clock, abort listeners, and on disk no
 * temp files and no partial outputs. Any process warning (MaxListeners…) fails the file
 * (test/helpers/setup.ts); this file also asserts none was seen during the soak itself.
 *
 * Sized for CI on two cores: the 300 supervisor jobs at a concurrency of 16 took 11–16 s on
 * the 2-core development machine, ~40 s with the machine doubly loaded; the ladder soak 3–6 s.
 */
import { execFile } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import type { RemuxError } from '../../src/remux/errors.js';
import { RemuxLadder } from '../../src/remux/ladder.js';
import type { FfmpegOutcome } from '../../src/supervisor/outcome.js';
import type { FfmpegSupervisorOptions } from '../../src/supervisor/options.js';
import { FfmpegSupervisor } from '../../src/supervisor/supervisor.js';
import { NON_MONOTONIC_DTS } from '../../src/testing/scenario/ffmpeg-messages.js';
import { scenarios } from '../../src/testing/scenario/builders.js';
import type { FakeFfmpegScenario } from '../../src/testing/scenario/format.js';
import type { HostConfig } from '../fixtures/host-program.js';
import { createTempDir, generateTs, NPM_FFMPEG_PATH, removeTempDir, STATIC_BUILD_ENV } from '../helpers/media.js';
import { createCountingClock, expectResourcesBackTo, type ProcessIdentity, snapshotResources } from '../helpers/resources.js';
import { cleanUpProcessesAndFakes, dotFilesIn, FAKE_ARGS, makeFake, makeRoutedFake, trackProcess, waitUntilGone } from './kit.js';

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOST_PROGRAM = fileURLToPath(new URL('../fixtures/host-program.ts', import.meta.url));

const SUPERVISOR_JOBS = 300;
const SUPERVISOR_CONCURRENCY = 16;
const LADDER_JOBS = 36;
const LADDER_CONCURRENCY = 8;

let dir: string;
let input: string;
let goodMp4: string;

beforeAll(async () => {
  dir = createTempDir('ffsup-soak-');
  input = await generateTs(dir, 'recording.ts', { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 2 });
  goodMp4 = join(dir, 'good.mp4');
  await execFileAsync(NPM_FFMPEG_PATH as string, ['-v', 'error', '-i', input, '-c:v', 'copy', '-c:a', 'aac', goodMp4], { env: STATIC_BUILD_ENV });
}, 60_000);
afterEach(cleanUpProcessesAndFakes);
afterAll(() => removeTempDir(dir));

/** Runs `work` over `items`, at most `limit` at a time. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Collects process warnings while a soak runs (setup.ts fails the file on them too, but later). */
function collectWarnings(): { warnings: string[]; stop: () => void } {
  const warnings: string[] = [];
  const onWarning = (warning: Error): void => {
    warnings.push(`${warning.name}: ${warning.message}`);
  };
  process.on('warning', onWarning);
  return { warnings, stop: () => process.off('warning', onWarning) };
}

/** A survivor, with what it is running, for the failure message. */
function describeProcess({ identity, kind }: { identity: ProcessIdentity; kind: string }): string {
  let detail = '';
  try {
    detail = `${readFileSync(`/proc/${identity.pid}/stat`, 'utf8').split(' ').slice(0, 5).join(' ')} | ${readFileSync(`/proc/${identity.pid}/cmdline`, 'utf8').replaceAll('\0', ' ')}`;
  } catch {
    detail = 'gone meanwhile';
  }
  return `${kind}: pid ${identity.pid}: ${detail}`;
}

/** Generous limits: only the kinds meant to stop early get short ones, so the expected reason never depends on load. */
const RELAXED = { stallTimeoutMs: 30_000, startupGraceMs: 30_000, killGraceMs: 300 } as const;
const QUICK_STALL = { stallTimeoutMs: 300, startupGraceMs: 100, killGraceMs: 200 } as const;

interface JobKind {
  readonly name: string;
  readonly scenario?: FakeFfmpegScenario;
  /** A path that cannot be started, instead of a fake. */
  readonly unstartable?: 'ENOENT' | 'EACCES';
  readonly options: Partial<FfmpegSupervisorOptions>;
  readonly abort?: 'before' | 'on-progress';
  readonly expected: Partial<FfmpegOutcome>;
}

const KINDS: readonly JobKind[] = [
  { name: 'success', scenario: scenarios.completes({ blocks: 3, everyMs: 5 }), options: RELAXED, expected: { reason: 'completed', exitCode: 0 } },
  { name: 'failure', scenario: scenarios.failsWith(), options: RELAXED, expected: { reason: 'failed', exitCode: 1 } },
  { name: 'crash', scenario: scenarios.crashes('SIGKILL'), options: RELAXED, expected: { reason: 'failed', signal: 'SIGKILL' } },
  { name: 'stall', scenario: scenarios.progressThenHang({ blocks: 1, everyMs: 5 }), options: QUICK_STALL, expected: { reason: 'stalled' } },
  // Deaf only once it is up: stalling after its first block makes sure its SIGTERM handler is installed.
  { name: 'stall, deaf to SIGTERM', scenario: scenarios.ignoresSigterm(scenarios.progressThenHang({ blocks: 1, everyMs: 5 })), options: { ...QUICK_STALL, startupGraceMs: 30_000 }, expected: { reason: 'stalled', forcedKill: true } },
  { name: 'frozen numbers', scenario: scenarios.frozenProgress({ advancing: 1, frozenBlocks: 1_000, everyMs: 20 }), options: QUICK_STALL, expected: { reason: 'stalled' } },
  // Stalls after its first block, when the grandchild surely runs (one started after the group's SIGTERM survives: see fault-cases, case 18).
  { name: 'stall with a grandchild', scenario: scenarios.withGrandchild(scenarios.progressThenHang({ blocks: 1, everyMs: 5 }), 30_000), options: { ...QUICK_STALL, startupGraceMs: 30_000 }, expected: { reason: 'stalled' } },
  { name: 'abort mid-run', scenario: scenarios.progressThenHang({ blocks: 1, everyMs: 5 }), options: RELAXED, abort: 'on-progress', expected: { reason: 'aborted' } },
  { name: 'aborted before start', scenario: scenarios.completes(), options: RELAXED, abort: 'before', expected: { reason: 'aborted', pid: undefined } },
  { name: 'timeout', scenario: { steps: [{ advance: { count: 100_000, everyMs: 20 } }] }, options: { ...RELAXED, timeoutMs: 300 }, expected: { reason: 'timeout' } },
  { name: 'spawn failure (ENOENT)', unstartable: 'ENOENT', options: RELAXED, expected: { reason: 'spawn_failed' } },
  { name: 'spawn failure (EACCES)', unstartable: 'EACCES', options: RELAXED, expected: { reason: 'spawn_failed' } },
  { name: 'stderr flood', scenario: scenarios.stderrFlood(200_000), options: { ...RELAXED, stderrTailBytes: 4_096 }, expected: { reason: 'completed' } },
];

test(`case 24: soak: ${SUPERVISOR_JOBS} mixed jobs at a concurrency of ${SUPERVISOR_CONCURRENCY} → each the expected outcome; fds, handles, children, grandchildren, live runs, timers and abort listeners back to baseline; no warning`, async () => {
  const paths = KINDS.map((kind) => {
    if (kind.unstartable === 'ENOENT') return join(dir, 'no-such-ffmpeg');
    if (kind.unstartable === 'EACCES') {
      const path = join(dir, 'not-executable');
      writeFileSync(path, '#!/bin/sh\n');
      chmodSync(path, 0o644);
      return path;
    }
    return makeFake(kind.scenario as FakeFfmpegScenario).path;
  });
  const clock = createCountingClock();
  const controllers: AbortController[] = [];
  const processes: Array<{ identity: ProcessIdentity; kind: string }> = [];
  let grandchildren = 0;
  const mismatches: string[] = [];
  const baseline = snapshotResources();
  const { warnings, stop } = collectWarnings();

  try {
    await inPool(Array.from({ length: SUPERVISOR_JOBS }, (_, index) => index), SUPERVISOR_CONCURRENCY, async (index) => {
      const kindIndex = index % KINDS.length;
      const kind = KINDS[kindIndex] as JobKind;
      const controller = new AbortController();
      controllers.push(controller);
      if (kind.abort === 'before') controller.abort();
      const supervisor = new FfmpegSupervisor({
        ffmpegPath: paths[kindIndex],
        args: [...FAKE_ARGS],
        ...kind.options,
        clock,
        signal: controller.signal,
      });
      supervisor.on('spawn', ({ pid }) => {
        const identity = trackProcess(pid);
        if (identity) processes.push({ identity, kind: kind.name });
      });
      supervisor.on('stderr', (line) => {
        const grandchild = /^grandchild pid=(\d+)/.exec(line)?.[1];
        const identity = grandchild === undefined ? undefined : trackProcess(Number(grandchild));
        grandchildren += grandchild === undefined ? 0 : 1;
        if (identity) processes.push({ identity, kind: `${kind.name}: its grandchild` });
      });
      if (kind.abort === 'on-progress') supervisor.once('progress', () => controller.abort());
      const outcome = await supervisor.run().catch((error: { outcome?: FfmpegOutcome }) => error.outcome);
      const wrong = Object.entries(kind.expected).filter(([key, value]) => outcome?.[key as keyof FfmpegOutcome] !== value);
      if (wrong.length > 0) mismatches.push(`job ${index} (${kind.name}): ${JSON.stringify(wrong)} vs ${JSON.stringify(outcome && { reason: outcome.reason, exitCode: outcome.exitCode, signal: outcome.signal })}`);
    });
  } finally {
    stop();
  }

  expect(mismatches).toEqual([]);
  expect(warnings).toEqual([]);
  expect(controllers).toHaveLength(SUPERVISOR_JOBS);
  expect(controllers.filter((controller) => getEventListeners(controller.signal, 'abort').length > 0)).toHaveLength(0);
  expect(clock.pending).toBe(0);
  expect(grandchildren).toBeGreaterThan(0);
  const gone = await Promise.all(processes.map(({ identity }) => waitUntilGone(identity, 5_000)));
  expect(processes.filter((_, index) => !gone[index]).map(describeProcess)).toEqual([]);
  await expectResourcesBackTo(baseline);
}, 240_000);

// ---- the ladder ----------------------------------------------------------------------------------

interface LadderKind {
  readonly name: string;
  /** What ffmpeg does on each rung: `-ss` marks default, `-max_interleave_delta` fallback. */
  readonly routes: ReadonlyArray<{ readonly marker: string; readonly scenario: FakeFfmpegScenario }>;
  readonly otherwise: FakeFfmpegScenario;
  readonly abort?: boolean;
  /** `undefined`: succeeds. */
  readonly failsWith?: RemuxError['kind'];
  /** Two jobs share this output name. */
  readonly sharedOutput?: boolean;
  /** Short stall limits (only for the kind meant to stall). */
  readonly quickStall?: boolean;
}

test(`case 24: ladder soak: ${LADDER_JOBS} remuxes into one directory, ${LADDER_CONCURRENCY} at a time → only complete finals, no temp files, no partial outputs; resources back`, async () => {
  const writesGood = scenarios.completes({ blocks: 2, everyMs: 5, outputFrom: goodMp4 });
  const kinds: readonly LadderKind[] = [
    { name: 'success', routes: [], otherwise: writesGood },
    { name: 'dts, then fallback', routes: [{ marker: 'asetpts=PTS-STARTPTS,aresample=async=1000:first_pts=0,aformat=channel_layouts=stereo', scenario: scenarios.failsWith({ stderr: [NON_MONOTONIC_DTS], exitCode: 1 }) }], otherwise: writesGood },
    { name: 'stall', routes: [], otherwise: { steps: [{ advance: { count: 1, everyMs: 5 } }, { writeOutputText: 'partial' }, { hang: true }] }, failsWith: 'stalled', quickStall: true },
    { name: 'abort', routes: [], otherwise: { steps: [{ writeOutputText: 'partial' }, { advance: { count: 1, everyMs: 5 } }, { hang: true }] }, abort: true, failsWith: 'aborted' },
    { name: 'exit 0, broken output', routes: [], otherwise: scenarios.completes({ blocks: 1, outputText: 'not an mp4' }), failsWith: 'output_invalid' },
    { name: 'generic failure', routes: [], otherwise: scenarios.failsWith({ stderr: ['Invalid data found when processing input'] }), failsWith: 'generic' },
    { name: 'two jobs, one output', routes: [], otherwise: writesGood, sharedOutput: true },
  ];
  const fakes = kinds.map((kind) => makeRoutedFake(kind.routes, kind.otherwise).path);
  const out = join(dir, 'outputs');
  mkdirSync(out);
  const clock = createCountingClock();
  const controllers: AbortController[] = [];
  const mismatches: string[] = [];
  const expectedFinals = new Set<string>();
  const baseline = snapshotResources();
  const { warnings, stop } = collectWarnings();
  try {
    await inPool(Array.from({ length: LADDER_JOBS }, (_, index) => index), LADDER_CONCURRENCY, async (index) => {
      const kindIndex = index % kinds.length;
      const kind = kinds[kindIndex] as LadderKind;
      const output = join(out, kind.sharedOutput ? 'shared.mp4' : `job-${index}.mp4`);
      const controller = new AbortController();
      controllers.push(controller);
      const limits = kind.quickStall ? QUICK_STALL : RELAXED;
      const ladder = new RemuxLadder({ ffmpegPath: fakes[kindIndex], ...limits, clock });
      ladder.on('stall', (stall) => trackProcess(stall.pid));
      if (kind.abort) ladder.once('progress', () => controller.abort());
      const result = await ladder.remux({ inputs: [input], output, signal: controller.signal }).then(
        () => undefined,
        (error: RemuxError) => error.kind ?? String(error),
      );
      if (result !== kind.failsWith) mismatches.push(`job ${index} (${kind.name}): ${result ?? 'success'}`);
      if (kind.failsWith === undefined) expectedFinals.add(output);
    });
  } finally {
    stop();
  }

  expect(mismatches).toEqual([]);
  expect(warnings).toEqual([]);
  expect(dotFilesIn(out)).toEqual([]); // no temp file, no concat list
  expect(readdirSync(out).map((name) => join(out, name)).sort()).toEqual([...expectedFinals].sort()); // no final for a failed job
  const good = readFileSync(goodMp4);
  for (const final of expectedFinals) expect(readFileSync(final).equals(good)).toBe(true); // complete, never partial
  expect(controllers.filter((controller) => getEventListeners(controller.signal, 'abort').length > 0)).toHaveLength(0);
  expect(clock.pending).toBe(0);
  await expectResourcesBackTo(baseline);
}, 240_000);

// ---- one signal for all jobs -------------------------------------------------------------------

/** The host program's shared-signal mode: 16 concurrent jobs on one AbortSignal, in its own process so its warnings stay there. */
let sharedSignalRun: Promise<{ stdout: string; stderr: string }> | undefined;
function runSharedSignalHost(): Promise<{ stdout: string; stderr: string }> {
  const config: HostConfig = {
    mode: 'shared-signal',
    ffmpegPath: makeFake(scenarios.completes({ blocks: 3, everyMs: 50 })).path,
    jobs: 16,
    shutdown: 'none',
    end: 'wait',
    parentDeathSignal: false,
  };
  sharedSignalRun ??= execFileAsync(process.execPath, ['--import', 'tsx', HOST_PROGRAM, JSON.stringify(config)], { cwd: ROOT, timeout: 60_000 });
  return sharedSignalRun;
}

test('case 24: 16 concurrent jobs sharing one host AbortSignal → one abort listener while they run, none afterwards', async () => {
  const { stdout } = await runSharedSignalHost();
  const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { during: number; after: number };
  expect(report.during).toBe(1);
  expect(report.after).toBe(0);
});

test('case 24: 16 concurrent jobs sharing one host AbortSignal → no MaxListenersExceededWarning', async () => {
  const { stderr } = await runSharedSignalHost();
  expect(stderr).not.toMatch(/MaxListenersExceededWarning/);
});
