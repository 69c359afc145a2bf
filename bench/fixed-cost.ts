/**
 * The fixed cost of a remux: what `RemuxLadder.remux()` and the CLI spend besides ffmpeg's own
 * work, whole and step by step, against the raw `default` rung (the same ffmpeg arguments spawned
 * directly).
 *
 * Whole runs, alternated in rounds after one warm-up round:
 * - raw default rung: `child_process.spawn()` of `buildStrategyArgs('default', …)`;
 * - `remux()` in a long-lived host (capabilities already probed by the warm-up);
 * - the CLI (`node dist/cli/main.js remux`), capability cache warm (the usual call) and cold
 *   (a new cache directory each run: the first call after an install or an upgrade).
 *
 * Steps, each timed on its own with what the ladder runs: the input probe that also lists the
 * first packets (where the first keyframe is found) within ffprobe's own read limits, the same
 * with the long read (when a stream came back without parameters), `probeMedia` alone, and the
 * keyframe scan of one stream (when the keyframe is not among those packets), the capability probe
 * (cold, from the disk cache, from memory), the supervised ffmpeg attempt, the output check
 * (the MP4's `moov` read in process, and ffprobe, which checks other containers), and the rename. Wall time and CPU time (this process plus every child it
 * reaped; the CLI's children are counted through the CLI). Needs `npm run build` for the CLI.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildStrategyArgs } from '../src/remux/build-strategy-args.js';
import { RemuxLadder } from '../src/remux/ladder.js';
import { INPUT_PROBE_PACKETS, probeVideoStartSec } from '../src/remux/first-keyframe.js';
import { checkOutput } from '../src/remux/output-file.js';
import { probeMedia, runFfprobe } from '../src/remux/probe-media.js';
import { probeArgs } from '../src/remux/probe-parse.js';
import { probeResultOfMp4, readMp4Movie } from '../src/remux/read-mp4.js';
import { clearCapabilitiesCache, probeCapabilities } from '../src/supervisor/capabilities.js';
import { killAllLiveRuns } from '../src/supervisor/host-exit.js';
import { spawnEnvFor } from '../src/supervisor/static-build-env.js';
import { FfmpegSupervisor } from '../src/supervisor/supervisor.js';
import { childrenCpuMs, CHILDREN_CPU_RESOLUTION_MS, hostCpuMs } from './lib/cpu.js';
import { availableBuilds, type FfmpegBuild, ffmpegVersion, generateRecording } from './lib/media.js';
import { isQuick, printHeading, printTable } from './lib/options.js';
import { killGroup, onInterrupt } from './lib/processes.js';
import { fixed, median } from './lib/stats.js';

const DURATION_SEC = isQuick ? 5 : 60;
const ROUNDS = isQuick ? 2 : 9;
const CLI = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

const livePids = new Set<number>();

async function measure(run: () => Promise<unknown>): Promise<Sample> {
  const wallStart = performance.now();
  const cpuStart = hostCpuMs() + childrenCpuMs();
  await run();
  return { wallMs: performance.now() - wallStart, cpuMs: hostCpuMs() + childrenCpuMs() - cpuStart };
}

/** Spawns and waits for `close`, stdout and stderr drained; rejects on a non-zero exit. */
function runProcess(file: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? spawnEnvFor(file, undefined) });
    if (child.pid !== undefined) livePids.add(child.pid);
    let stderr = '';
    child.stdout.resume();
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-2_000);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      if (child.pid !== undefined) livePids.delete(child.pid);
      if (code === 0) resolve();
      else reject(new Error(`${file} exited with ${code}: ${stderr}`));
    });
  });
}

async function benchBuild(build: FfmpegBuild, dir: string): Promise<void> {
  const version = await ffmpegVersion(build.ffmpegPath);
  const input = await generateRecording(build.ffmpegPath, dir, DURATION_SEC);
  const capabilities = await probeCapabilities(build.ffmpegPath);
  const inputStartSec = (await probeMedia(input, { ffprobePath: build.ffprobePath })).startTimeSec;
  const output = join(dir, 'out.mp4');
  const defaultArgs = buildStrategyArgs('default', { input: { kind: 'file', path: input }, output, capabilities });
  const warmCache = join(dir, 'cache-warm');
  let coldCount = 0;
  const cliEnv = (cacheHome: string) => ({ ...process.env, XDG_CACHE_HOME: cacheHome, FFPROBE_PATH: build.ffprobePath });
  const runCli = (cacheHome: string) => runProcess(process.execPath, [CLI, 'remux', input, '-o', output, '--ffmpeg', build.ffmpegPath, '--ffprobe', build.ffprobePath], cliEnv(cacheHome));
  const checked = join(dir, 'checked.mp4');

  const whole: ReadonlyArray<[string, () => Promise<unknown>]> = [
    ['raw default rung', () => runProcess(build.ffmpegPath, defaultArgs)],
    ['remux(), long-lived host', async () => {
      const result = await new RemuxLadder({ ffmpegPath: build.ffmpegPath, ffprobePath: build.ffprobePath }).remux({ inputs: [input], output });
      if (result.strategy !== 'default' || result.attempts.length !== 1) throw new Error('the ladder did not finish on its first rung');
    }],
    ['CLI, capability cache warm', () => runCli(warmCache)],
    ['CLI, capability cache cold', () => runCli(join(dir, `cache-cold-${++coldCount}`))],
  ];
  const steps: ReadonlyArray<[string, () => Promise<unknown>]> = [
    [`input probe + first ${INPUT_PROBE_PACKETS} packets, ffprobe's read limits (the ladder's one ffprobe)`, () =>
      runFfprobe(probeArgs(input, { packets: INPUT_PROBE_PACKETS, longAnalysis: false }), { ffprobePath: build.ffprobePath })],
    [`the same with the long read (when a stream lacks parameters)`, () => runFfprobe(probeArgs(input, { packets: INPUT_PROBE_PACKETS }), { ffprobePath: build.ffprobePath })],
    ['input probe alone, long read (probeMedia)', () => probeMedia(input, { ffprobePath: build.ffprobePath })],
    ['keyframe scan of the video alone (when not among those packets)', () => probeVideoStartSec(input, 0, inputStartSec, { ffprobePath: build.ffprobePath })],
    ['capability probe, cold (2 processes)', () => {
      clearCapabilitiesCache();
      return probeCapabilities(build.ffmpegPath);
    }],
    ['capability probe, from the disk cache', () => {
      clearCapabilitiesCache();
      return probeCapabilities(build.ffmpegPath, { cacheDirectory: join(warmCache, 'ffmpeg-supervisor') });
    }],
    ['capability probe, from memory', () => probeCapabilities(build.ffmpegPath)],
    ['ffmpeg attempt (supervised default rung)', () => new FfmpegSupervisor({ ffmpegPath: build.ffmpegPath, args: defaultArgs }).run()],
    ['output check, moov read in process (the ladder\'s)', async () => {
      const read = await readMp4Movie(checked);
      if (!read) throw new Error('the moov reader could not read the output');
      const problem = checkOutput(probeResultOfMp4(read.movie, read.sizeBytes), read.sizeBytes, { hasVideo: true, hasAudio: true, expectedDurationSec: DURATION_SEC });
      if (problem) throw new Error(`output check: ${problem.message}`);
    }],
    ['output check by ffprobe (probeMedia; other containers)', () => probeMedia(checked, { ffprobePath: build.ffprobePath })],
    ['rename into place', async () => {
      await rename(checked, `${checked}.renamed`);
      await rename(`${checked}.renamed`, checked);
    }],
  ];

  await runProcess(build.ffmpegPath, defaultArgs);
  copyFileSync(output, checked);
  const samples = new Map<string, Sample[]>([...whole, ...steps].map(([name]) => [name, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, run] of [...whole, ...steps]) {
      const sample = await measure(run);
      if (round > 0) samples.get(name)?.push(sample);
    }
  }

  console.log(`### ${build.name} ffmpeg ${version} (${build.ffmpegPath}, ffprobe ${build.ffprobePath})`);
  console.log(`input: ${DURATION_SEC} s 1280x720 H.264 + AC-3 MPEG-TS; ${ROUNDS} measured rounds after 1 warm-up; CPU = this process + reaped children\n`);
  const baseline = samples.get('raw default rung') ?? [];
  const baseWall = median(baseline.map((sample) => sample.wallMs));
  const baseCpu = median(baseline.map((sample) => sample.cpuMs));
  const rows: Array<Array<string | number>> = [['whole run', 'wall med ms', 'wall min', 'CPU med ms', 'CPU mean', 'wall / raw', 'CPU / raw', 'extra wall ms', 'extra CPU ms']];
  for (const [name] of whole) {
    const list = samples.get(name) ?? [];
    const wall = median(list.map((sample) => sample.wallMs));
    const cpu = median(list.map((sample) => sample.cpuMs));
    rows.push([name, fixed(wall), fixed(Math.min(...list.map((sample) => sample.wallMs))), fixed(cpu), fixed(mean(list.map((sample) => sample.cpuMs))), fixed(wall / baseWall, 3), fixed(cpu / baseCpu, 3), fixed(wall - baseWall), fixed(cpu - baseCpu)]);
  }
  printTable(rows);
  console.log('');
  const stepRows: Array<Array<string | number>> = [['step', 'wall med ms', 'wall min', 'CPU mean ms']];
  for (const [name] of steps) {
    const list = samples.get(name) ?? [];
    stepRows.push([name, fixed(median(list.map((sample) => sample.wallMs)), 2), fixed(Math.min(...list.map((sample) => sample.wallMs)), 2), fixed(mean(list.map((sample) => sample.cpuMs)))]);
  }
  printTable(stepRows);
  console.log('');
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

async function main(): Promise<void> {
  printHeading('Fixed cost of remux() and the CLI');
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  console.log(`children CPU resolution: ${CHILDREN_CPU_RESOLUTION_MS} ms on the running total (clock ticks); CPU means over the runs are finer`);
  if (isQuick) console.log('quick run: a 5 s input and 2 rounds check that everything runs; the figures are too noisy to mean much');
  console.log('');
  const builds = availableBuilds();
  if (builds.length === 0) throw new Error('no ffmpeg found: install @ffmpeg-installer/ffmpeg or Debian ffmpeg');
  const dir = mkdtempSync(join(tmpdir(), 'ffsup-bench-fixed-'));
  const removeHandlers = onInterrupt(() => {
    killAllLiveRuns();
    for (const pid of livePids) killGroup(pid);
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
