/**
 * Overhead: the same remux run by raw `child_process.spawn` and through the library.
 *
 * 1. copy video + AAC audio into MP4: raw spawn (stdout and stderr drained) vs `FfmpegSupervisor`;
 * 2. the ladder's `default` rung: `buildStrategyArgs('default', …)` run raw vs `RemuxLadder.remux()`
 *    (which also probes the input, checks the output with ffprobe and renames it into place).
 *
 * Rounds alternate the modes (raw, supervised, raw default, ladder) after one warm-up round, so
 * drift of the machine hits every mode alike. Per run: wall time (spawn → all pipes closed), host
 * CPU (`process.cpuUsage()`) and children CPU (`cutime + cstime` of `/proc/self/stat`, which the
 * kernel fills in when a child is reaped). Prints medians and supervised/raw ratios.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStrategyArgs } from '../src/remux/build-strategy-args.js';
import { RemuxLadder } from '../src/remux/ladder.js';
import { probeCapabilities } from '../src/supervisor/capabilities.js';
import { killAllLiveRuns } from '../src/supervisor/host-exit.js';
import { spawnEnvFor } from '../src/supervisor/static-build-env.js';
import { FfmpegSupervisor } from '../src/supervisor/supervisor.js';
import { childrenCpuMs, CHILDREN_CPU_RESOLUTION_MS, hostCpuMs } from './lib/cpu.js';
import { availableBuilds, type FfmpegBuild, ffmpegVersion, generateRecording } from './lib/media.js';
import { isQuick, printHeading, printTable } from './lib/options.js';
import { killGroup, onInterrupt } from './lib/processes.js';
import { fixed, median } from './lib/stats.js';

const DURATION_SEC = isQuick ? 5 : 25;
const ROUNDS = isQuick ? 3 : 15;

interface Sample {
  readonly wallMs: number;
  readonly hostCpuMs: number;
  readonly childCpuMs: number;
  /** Ladder only: the ffmpeg attempt's own duration. */
  readonly attemptMs?: number;
}

type Mode = 'raw' | 'supervised' | 'raw default' | 'ladder';

const rawPids = new Set<number>();

async function measure(run: () => Promise<number | undefined>): Promise<Sample> {
  const wallStart = performance.now();
  const hostStart = hostCpuMs();
  const childStart = childrenCpuMs();
  const attemptMs = await run();
  const wallMs = performance.now() - wallStart;
  return { wallMs, hostCpuMs: hostCpuMs() - hostStart, childCpuMs: childrenCpuMs() - childStart, attemptMs };
}

/** What a host without the library would do: spawn, drain stdout and stderr, wait for close. */
function runRaw(ffmpegPath: string, args: readonly string[]): Promise<undefined> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: spawnEnvFor(ffmpegPath, undefined) });
    if (child.pid !== undefined) rawPids.add(child.pid);
    child.stdout.resume();
    child.stderr.resume();
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (child.pid !== undefined) rawPids.delete(child.pid);
      if (code === 0) resolve(undefined);
      else reject(new Error(`raw ffmpeg ended with code ${code}, signal ${signal}: ${args.join(' ')}`));
    });
  });
}

async function runSupervised(ffmpegPath: string, args: readonly string[]): Promise<undefined> {
  const supervisor = new FfmpegSupervisor({ ffmpegPath, args });
  let blocks = 0;
  supervisor.on('progress', () => {
    blocks += 1;
  });
  await supervisor.run();
  if (blocks === 0) throw new Error('supervised run reported no progress');
  return undefined;
}

async function runLadder(build: FfmpegBuild, input: string, output: string): Promise<number> {
  const ladder = new RemuxLadder({ ffmpegPath: build.ffmpegPath, ffprobePath: build.ffprobePath });
  const result = await ladder.remux({ inputs: [input], output });
  if (result.strategy !== 'default' || result.attempts.length !== 1) {
    throw new Error(`the ladder did not finish on its first rung (${result.attempts.map((attempt) => attempt.strategy).join(', ')})`);
  }
  return (result.attempts[0] as { durationMs: number }).durationMs;
}

async function benchBuild(build: FfmpegBuild, dir: string): Promise<void> {
  const version = await ffmpegVersion(build.ffmpegPath);
  const input = await generateRecording(build.ffmpegPath, dir, DURATION_SEC);
  const copyArgs = [
    '-hide_banner', '-nostdin', '-y', '-i', `file:${input}`,
    '-map', '0:v:0', '-map', '0:a:0', '-c:v', 'copy', '-c:a', 'aac', '-b:a', '192k',
    '-f', 'mp4', `file:${join(dir, 'copy-aac.mp4')}`,
  ];
  const capabilities = await probeCapabilities(build.ffmpegPath);
  const defaultArgs = buildStrategyArgs('default', {
    input: { kind: 'file', path: input },
    output: join(dir, 'raw-default.mp4'),
    capabilities,
  });
  const ladderOutput = join(dir, 'ladder.mp4');

  const modes: ReadonlyArray<[Mode, () => Promise<number | undefined>]> = [
    ['raw', () => runRaw(build.ffmpegPath, copyArgs)],
    ['supervised', () => runSupervised(build.ffmpegPath, copyArgs)],
    ['raw default', () => runRaw(build.ffmpegPath, defaultArgs)],
    ['ladder', () => runLadder(build, input, ladderOutput)],
  ];
  const samples = new Map<Mode, Sample[]>(modes.map(([mode]) => [mode, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [mode, run] of modes) {
      const sample = await measure(run);
      if (round > 0) samples.get(mode)?.push(sample); // round 0 warms up
    }
  }

  console.log(`### ${build.name} ffmpeg ${version} (${build.ffmpegPath})`);
  console.log(`input: ${DURATION_SEC} s 1280x720 H.264 + AC-3 MPEG-TS; ${ROUNDS} measured rounds after 1 warm-up\n`);
  const rows: Array<Array<string | number>> = [
    ['mode', 'runs', 'wall med ms', 'wall min', 'wall max', 'CPU med ms', 'host CPU med', 'child CPU med'],
  ];
  for (const [mode] of modes) {
    const list = samples.get(mode) ?? [];
    const walls = list.map((sample) => sample.wallMs);
    rows.push([
      mode,
      list.length,
      fixed(median(walls)),
      fixed(Math.min(...walls)),
      fixed(Math.max(...walls)),
      fixed(median(list.map((sample) => sample.hostCpuMs + sample.childCpuMs))),
      fixed(median(list.map((sample) => sample.hostCpuMs))),
      fixed(median(list.map((sample) => sample.childCpuMs))),
    ]);
  }
  printTable(rows);
  console.log('');
  printRatio('supervised / raw (copy + AAC)', samples.get('supervised') ?? [], samples.get('raw') ?? []);
  printRatio('ladder / raw default (whole remux(): probe, run, check, rename)', samples.get('ladder') ?? [], samples.get('raw default') ?? []);
  const ladder = samples.get('ladder') ?? [];
  const attemptMedian = median(ladder.map((sample) => sample.attemptMs ?? Number.NaN));
  const rawDefaultMedian = median((samples.get('raw default') ?? []).map((sample) => sample.wallMs));
  console.log(
    `  ladder's ffmpeg attempt alone (outcome.durationMs, spawn → settle): median ${fixed(attemptMedian)} ms, ` +
      `ratio to raw default wall ${fixed(attemptMedian / rawDefaultMedian, 3)}; ` +
      `time outside the attempt (probes, output check, rename): median ${fixed(median(ladder.map((sample) => sample.wallMs - (sample.attemptMs ?? 0))))} ms`,
  );
  console.log('');
}

function printRatio(label: string, measured: readonly Sample[], baseline: readonly Sample[]): void {
  const wall = median(measured.map((sample) => sample.wallMs)) / median(baseline.map((sample) => sample.wallMs));
  const total = (list: readonly Sample[]) => list.map((sample) => sample.hostCpuMs + sample.childCpuMs);
  const cpuMedian = median(total(measured)) / median(total(baseline));
  const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
  const cpuSum = sum(total(measured)) / sum(total(baseline));
  const hostExtra = median(measured.map((sample) => sample.hostCpuMs)) - median(baseline.map((sample) => sample.hostCpuMs));
  // Other load on the machine only ever adds time, so the fastest runs are the least disturbed.
  const wallMin = Math.min(...measured.map((sample) => sample.wallMs)) / Math.min(...baseline.map((sample) => sample.wallMs));
  const cpuMin = Math.min(...total(measured)) / Math.min(...total(baseline));
  console.log(
    `  ${label}: wall ${fixed(wall, 3)}, CPU ${fixed(cpuMedian, 3)} (ratios of medians); ` +
      `ratios of minimums: wall ${fixed(wallMin, 3)}, CPU ${fixed(cpuMin, 3)}; CPU ratio of sums ${fixed(cpuSum, 3)}; ` +
      `extra host CPU per run ${fixed(hostExtra, 1)} ms`,
  );
}

async function main(): Promise<void> {
  printHeading('Overhead: raw spawn vs supervised');
  console.log(`children CPU resolution: ${CHILDREN_CPU_RESOLUTION_MS} ms on the running total (clock ticks)`);
  if (isQuick) console.log('quick run: a 5 s input and 3 rounds check that everything runs; the ratios are too noisy to mean much');
  console.log('');
  const builds = availableBuilds();
  if (builds.length === 0) throw new Error('no ffmpeg found: install @ffmpeg-installer/ffmpeg or Debian ffmpeg');
  const dir = mkdtempSync(join(tmpdir(), 'ffsup-bench-overhead-'));
  const removeHandlers = onInterrupt(() => {
    killAllLiveRuns();
    for (const pid of rawPids) killGroup(pid);
    rmSync(dir, { recursive: true, force: true });
  });
  try {
    for (const build of builds) await benchBuild(build, dir);
  } finally {
    removeHandlers();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
