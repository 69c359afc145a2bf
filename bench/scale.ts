/**
 * Scale: N supervised processes at once (100, 500, 1,000), each writing a progress block every
 * 500 ms, one in ten going silent at a planned time. A light fake stands in for ffmpeg (a small
 * C program compiled here, or a `/bin/sh` loop without a compiler): one Node fake per process
 * would need ~40 MB each.
 *
 * Timeline per N: spawn in batches (25 every 50 ms), settle, then `gc()` and read the heap with
 * all N alive; then a measurement window during which the stallers are told to go silent
 * (SIGUSR1, spread over the window) and are stopped by their watchdogs; then every remaining
 * run is aborted and every pid is checked gone.
 *
 * Measured: host CPU per supervised process (process.cpuUsage over the window ÷ live process-
 * seconds), heap per supervisor (heapUsed delta ÷ N; external memory, which holds the stderr tail
 * buffers, apart), event-loop delay (`monitorEventLoopDelay`, 10 ms resolution, so values include
 * the 10 ms sampling interval), and whether each stall was called within its bound.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { killAllLiveRuns } from '../src/supervisor/host-exit.js';
import type { OutcomeReason } from '../src/supervisor/outcome.js';
import { FfmpegSupervisor } from '../src/supervisor/supervisor.js';
import { hostCpuMs } from './lib/cpu.js';
import { createLightFake, type LightFake } from './lib/light-fake.js';
import { isQuick, printHeading, printTable, sleep } from './lib/options.js';
import { isProcessAlive, killGroup, onInterrupt } from './lib/processes.js';
import { fixed, median, summarize } from './lib/stats.js';

const SIZES = parseSizes() ?? (isQuick ? [100] : [100, 500, 1_000]);
const BLOCK_INTERVAL_MS = 500;
const STALLER_EVERY = 10;
const STALL_TIMEOUT_MS = isQuick ? 1_500 : 3_000;
const STARTUP_GRACE_MS = 10_000;
const KILL_GRACE_MS = 2_000;
const WINDOW_MS = isQuick ? 6_000 : 20_000;
const SETTLE_MS = 2_000;
const BATCH_SIZE = 25;
const BATCH_EVERY_MS = 50;
/** One watchdog interval, as the contract bounds a stall's lateness. */
const DETECTION_BOUND_MS = 1_000;
/** Parent-side descriptors per supervised process: stdout, stderr and the progress pipe. */
const FDS_PER_PROCESS = 3;

/** `--sizes=100,200` overrides the list (for trying the limits of a machine). */
function parseSizes(): number[] | undefined {
  const arg = process.argv.find((value) => value.startsWith('--sizes='));
  return arg?.slice('--sizes='.length).split(',').map(Number).filter((value) => Number.isInteger(value) && value > 0);
}

interface Tracked {
  readonly index: number;
  readonly isStaller: boolean;
  readonly spawnAt: number;
  readonly controller: AbortController;
  /** How long the synchronous part of constructing and starting the run took (spawn() included). */
  startCallMs: number;
  pid: number | undefined;
  bestFrame: number;
  lastForwardAt: number;
  blocks: number;
  stallAt: number | undefined;
  stalledForMs: number | undefined;
  exitAt: number | undefined;
  reason: OutcomeReason | undefined;
}

const tracked: Tracked[] = [];

function getGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function openFileLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((row) => row.startsWith('Max open files'));
  const soft = Number(line?.split(/\s{2,}/)[1]);
  return Number.isFinite(soft) ? soft : Number.POSITIVE_INFINITY;
}

function memory(gc: () => void): NodeJS.MemoryUsage {
  gc();
  gc();
  return process.memoryUsage();
}

interface ScaleResult {
  readonly size: number;
  readonly rampMs: number;
  readonly heapPerSupervisorKiB: number;
  readonly externalPerSupervisorKiB: number;
  readonly hostCpuPercent: number;
  readonly cpuPerProcessPercent: number;
  readonly cpuPerBlockUs: number;
  readonly blocksPerSec: number;
  readonly windowLoop: { p50: number; p99: number; max: number };
  readonly rampLoop: { p99: number; max: number };
  readonly stallers: number;
  readonly stallsWithinBound: number;
  readonly stallLateness: ReturnType<typeof summarize>;
  readonly falseStalls: number;
  readonly unexpected: string[];
  readonly stopAllMs: number;
  readonly leftAlive: number;
  readonly startCallFirstMs: number;
  readonly startCallLastMs: number;
}

function startRun(fake: LightFake, index: number, isStaller: boolean, lifetimeBlocks: number): Tracked {
  const spawnAt = performance.now();
  const controller = new AbortController();
  const run: Tracked = {
    index,
    isStaller,
    spawnAt,
    controller,
    startCallMs: Number.NaN,
    pid: undefined,
    bestFrame: -1,
    lastForwardAt: Number.NaN,
    blocks: 0,
    stallAt: undefined,
    stalledForMs: undefined,
    exitAt: undefined,
    reason: undefined,
  };
  const supervisor = new FfmpegSupervisor({
    ffmpegPath: fake.path,
    args: ['-i', 'file:in.ts', '-max_blocks', String(lifetimeBlocks), '-f', 'mp4', 'file:out.mp4'],
    stallTimeoutMs: STALL_TIMEOUT_MS,
    startupGraceMs: STARTUP_GRACE_MS,
    killGraceMs: KILL_GRACE_MS,
    signal: controller.signal,
  });
  supervisor.on('spawn', ({ pid }) => {
    run.pid = pid;
  });
  supervisor.on('progress', (progress) => {
    run.blocks += 1;
    if ((progress.frame ?? -1) > run.bestFrame) {
      run.bestFrame = progress.frame ?? -1;
      run.lastForwardAt = performance.now();
    }
  });
  supervisor.on('stall', (stall) => {
    run.stallAt = performance.now();
    run.stalledForMs = stall.stalledForMs;
  });
  supervisor.on('exit', (outcome) => {
    run.exitAt = performance.now();
    run.reason = outcome.reason;
  });
  supervisor.run().catch(() => {}); // the outcome arrives through 'exit'
  run.startCallMs = performance.now() - spawnAt;
  return run;
}

async function benchSize(fake: LightFake, size: number, gc: () => void): Promise<ScaleResult> {
  tracked.length = 0;
  const base = memory(gc);
  const t0 = performance.now();
  // Generous: the fakes end themselves after this many blocks (about ten minutes).
  const lifetimeBlocks = Math.ceil(600_000 / BLOCK_INTERVAL_MS);

  const rampLoop = monitorEventLoopDelay({ resolution: 10 });
  rampLoop.enable();
  for (let index = 0; index < size; index++) {
    tracked.push(startRun(fake, index, index % STALLER_EVERY === STALLER_EVERY - 1, lifetimeBlocks));
    if (index % BATCH_SIZE === BATCH_SIZE - 1) await sleep(BATCH_EVERY_MS);
  }
  const rampMs = performance.now() - t0;
  await sleep(SETTLE_MS);
  rampLoop.disable();

  const live = memory(gc);
  const running = tracked.filter((run) => run.exitAt === undefined).length;
  const windowLoop = monitorEventLoopDelay({ resolution: 10 });
  windowLoop.enable();
  const measuredStart = performance.now();
  const cpuStart = hostCpuMs();
  const blocksStart = tracked.reduce((sum, run) => sum + run.blocks, 0);
  // Silence the stallers one by one, spread over the part of the window that leaves room for detection.
  const stallers = tracked.filter((run) => run.isStaller);
  const spreadMs = WINDOW_MS - 1_000 - STALL_TIMEOUT_MS - DETECTION_BOUND_MS - 500;
  const silenceTimers = stallers.map((run, index) =>
    setTimeout(() => {
      if (run.pid === undefined || run.exitAt !== undefined) return;
      try {
        process.kill(run.pid, 'SIGUSR1');
      } catch {
        // Exited in between: reported below as a staller that was never called stalled.
      }
    }, 1_000 + (spreadMs * index) / Math.max(1, stallers.length - 1)),
  );
  await sleep(WINDOW_MS);
  for (const timer of silenceTimers) clearTimeout(timer);
  const cpuMs = hostCpuMs() - cpuStart;
  const measuredEnd = performance.now();
  windowLoop.disable();
  const blocks = tracked.reduce((sum, run) => sum + run.blocks, 0) - blocksStart;

  const liveProcessSec =
    tracked.reduce((sum, run) => sum + Math.max(0, Math.min(run.exitAt ?? measuredEnd, measuredEnd) - Math.max(run.spawnAt, measuredStart)), 0) / 1000;

  // Stop everything that is still running, and time it.
  const stopStart = performance.now();
  for (const run of tracked) run.controller.abort(new Error('benchmark window over'));
  while (tracked.some((run) => run.exitAt === undefined) && performance.now() - stopStart < 30_000) await sleep(10);
  const stopAllMs = performance.now() - stopStart;
  let leftAlive = 0;
  for (const run of tracked) {
    if (run.pid !== undefined && isProcessAlive(run.pid)) {
      leftAlive += 1;
      killGroup(run.pid);
    }
  }

  const lateness = stallers.filter((run) => run.stallAt !== undefined).map((run) => (run.stallAt as number) - (run.lastForwardAt + STALL_TIMEOUT_MS));
  const within = lateness.filter((late) => late >= -1 && late <= DETECTION_BOUND_MS).length;
  const unexpected: string[] = [];
  const missed = stallers.filter((run) => run.stallAt === undefined).length;
  if (missed > 0) unexpected.push(`${missed} stallers never called stalled`);
  const reasons = new Map<string, number>();
  for (const run of tracked) {
    if (run.reason === (run.isStaller ? 'stalled' : 'aborted')) continue;
    const what = `${run.isStaller ? 'staller' : 'steady run'} ended ${run.reason ?? 'never'}`;
    reasons.set(what, (reasons.get(what) ?? 0) + 1);
  }
  for (const [what, count] of reasons) unexpected.push(`${count}× ${what}`);
  if (running !== size) unexpected.push(`${size - running} had exited before the window`);

  return {
    size,
    rampMs,
    heapPerSupervisorKiB: (live.heapUsed - base.heapUsed) / size / 1024,
    externalPerSupervisorKiB: (live.external - base.external) / size / 1024,
    hostCpuPercent: (cpuMs / (measuredEnd - measuredStart)) * 100,
    cpuPerProcessPercent: (cpuMs / (liveProcessSec * 1000)) * 100,
    cpuPerBlockUs: (cpuMs * 1000) / blocks,
    blocksPerSec: blocks / ((measuredEnd - measuredStart) / 1000),
    windowLoop: { p50: windowLoop.percentile(50) / 1e6, p99: windowLoop.percentile(99) / 1e6, max: windowLoop.max / 1e6 },
    rampLoop: { p99: rampLoop.percentile(99) / 1e6, max: rampLoop.max / 1e6 },
    stallers: stallers.length,
    stallsWithinBound: within,
    stallLateness: summarize(lateness),
    falseStalls: tracked.filter((run) => !run.isStaller && run.stallAt !== undefined).length,
    unexpected,
    stopAllMs,
    leftAlive,
    startCallFirstMs: median(tracked.slice(0, 100).map((run) => run.startCallMs)),
    startCallLastMs: median(tracked.slice(-100).map((run) => run.startCallMs)),
  };
}

async function main(): Promise<void> {
  printHeading('Scale: many supervised processes at once');
  const gc = getGc();
  const fake = createLightFake();
  const removeHandlers = onInterrupt(() => {
    killAllLiveRuns();
    for (const run of tracked) if (run.pid !== undefined) killGroup(run.pid);
    fake.cleanup();
  });
  const fileLimit = openFileLimit();
  console.log(
    `fake: ${fake.kind === 'C' ? 'C program (light-fake.c)' : '/bin/sh loop (no C compiler)'}; a block every ${BLOCK_INTERVAL_MS} ms; ` +
      `1 in ${STALLER_EVERY} goes silent in the window; stallTimeoutMs ${STALL_TIMEOUT_MS}; window ${WINDOW_MS / 1000} s; ` +
      `open-file limit ${fileLimit} (≈${FDS_PER_PROCESS} per process needed)\n`,
  );
  const results: ScaleResult[] = [];
  try {
    for (const size of SIZES) {
      if (size * FDS_PER_PROCESS + 200 > fileLimit) {
        console.log(`N = ${size}: skipped, needs about ${size * FDS_PER_PROCESS + 200} open files (raise \`ulimit -n\`)`);
        continue;
      }
      results.push(await benchSize(fake, size, gc));
      await sleep(1_000);
    }
  } finally {
    removeHandlers();
    fake.cleanup();
  }

  printTable([
    ['N', 'spawn s', 'heap KiB/sup', 'ext KiB/sup', 'host CPU %', 'CPU %/proc', 'µs/block', 'loop p50', 'loop p99', 'loop max', 'ramp p99', 'ramp max'],
    ...results.map((result) => [
      result.size,
      fixed(result.rampMs / 1000, 2),
      fixed(result.heapPerSupervisorKiB),
      fixed(result.externalPerSupervisorKiB),
      fixed(result.hostCpuPercent),
      fixed(result.cpuPerProcessPercent, 3),
      fixed(result.cpuPerBlockUs),
      fixed(result.windowLoop.p50),
      fixed(result.windowLoop.p99),
      fixed(result.windowLoop.max),
      fixed(result.rampLoop.p99),
      fixed(result.rampLoop.max),
    ]),
  ]);
  console.log('\n(loop figures in ms, event-loop delay including the 10 ms sampling interval; CPU % of one core)\n');
  printTable([
    ['N', 'stallers', 'called in bound', 'late min', 'late med', 'late p95', 'late max', 'false stalls', 'stop all ms', 'left alive'],
    ...results.map((result) => [
      result.size,
      result.stallers,
      `${result.stallsWithinBound}/${result.stallers}`,
      fixed(result.stallLateness.min),
      fixed(result.stallLateness.median),
      fixed(result.stallLateness.p95),
      fixed(result.stallLateness.max),
      result.falseStalls,
      fixed(result.stopAllMs),
      result.leftAlive,
    ]),
  ]);
  console.log(`\n(late = stall event − (last forward progress + stallTimeoutMs), ms; bound 0…${DETECTION_BOUND_MS} ms)`);
  for (const result of results) for (const note of result.unexpected) console.log(`NOTE N = ${result.size}: ${note}`);
  for (const result of results) {
    console.log(
      `N = ${result.size}: ${fixed(result.blocksPerSec, 0)} progress blocks/s handled in the window; ` +
        `starting one run (constructor + run(), spawn included) took a median ${fixed(result.startCallFirstMs, 2)} ms ` +
        `for the first 100 and ${fixed(result.startCallLastMs, 2)} ms for the last 100`,
    );
  }
}

await main();
