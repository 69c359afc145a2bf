/**
 * Detection and stop latency in real time, against the scriptable fake ffmpeg (a Node process).
 *
 * - stall detection: `stall` event time minus (last forward progress + `stallTimeoutMs`), where
 *   "last forward progress" is when the host received the last block whose numbers moved;
 *   in the startup phase: minus (spawn + `startupGraceMs` + `stallTimeoutMs`);
 * - stop: `stall` → `exit` for a fake that exits on SIGTERM, and for one that ignores SIGTERM
 *   (reaped by SIGKILL after `killGraceMs`); every pid is checked gone in `/proc` after `exit`.
 *
 * Runs one at a time, so each run sees an idle event loop.
 */
import { createFakeFfmpeg, type FakeFfmpegScenario, scenarios } from '../src/testing/index.js';
import { killAllLiveRuns } from '../src/supervisor/host-exit.js';
import type { FfmpegOutcome } from '../src/supervisor/outcome.js';
import { FfmpegSupervisor } from '../src/supervisor/supervisor.js';
import { isQuick, printHeading, printTable } from './lib/options.js';
import { isProcessAlive, onInterrupt } from './lib/processes.js';
import { fixed, summarize } from './lib/stats.js';

const RUNS = isQuick ? 4 : 30;
const STALL_TIMEOUT_MS = 500;
const STARTUP_GRACE_MS = 300;
const KILL_GRACE_MS = 500;
/** One watchdog interval as the contract states it (≤ 1 s by default). */
const DETECTION_BOUND_MS = 1_000;
const REAP_SLACK_MS = 250;

interface Case {
  readonly name: string;
  readonly scenario: FakeFfmpegScenario;
  readonly phase: 'startup' | 'running';
}

const CASES: readonly Case[] = [
  { name: 'progress then silence', scenario: scenarios.progressThenHang({ blocks: 3, everyMs: 100 }), phase: 'running' },
  {
    name: 'progress then frozen blocks (ffmpeg 7)',
    scenario: scenarios.frozenProgress({ advancing: 3, frozenBlocks: 1_000, everyMs: 100 }),
    phase: 'running',
  },
  { name: 'silent from the start', scenario: scenarios.silentHang(), phase: 'startup' },
  {
    name: 'progress then silence, ignores SIGTERM',
    scenario: scenarios.ignoresSigterm(scenarios.progressThenHang({ blocks: 3, everyMs: 100 })),
    phase: 'running',
  },
];

interface RunResult {
  /** stall event − due time (ms). */
  readonly detectionMs: number;
  /** The stall payload's own `stalledForMs − stallTimeoutMs` (or minus the grace too, at startup). */
  readonly payloadLateMs: number;
  /** stall event → exit event (ms). */
  readonly stopMs: number;
  readonly outcome: FfmpegOutcome;
  readonly pidGone: boolean;
}

async function runOnce(ffmpegPath: string, phase: Case['phase']): Promise<RunResult> {
  const supervisor = new FfmpegSupervisor({
    ffmpegPath,
    args: ['-i', 'file:in.ts', '-c', 'copy', '-f', 'mp4', 'file:out.mp4'],
    stallTimeoutMs: STALL_TIMEOUT_MS,
    startupGraceMs: STARTUP_GRACE_MS,
    killGraceMs: KILL_GRACE_MS,
  });
  let spawnAt = Number.NaN;
  let lastForwardAt = Number.NaN;
  let stallAt = Number.NaN;
  let exitAt = Number.NaN;
  let stalledForMs = Number.NaN;
  let best = -1;
  supervisor.on('spawn', () => {
    spawnAt = performance.now();
  });
  supervisor.on('progress', (progress) => {
    const value = progress.frame ?? -1;
    if (value > best) {
      best = value;
      lastForwardAt = performance.now();
    }
  });
  supervisor.on('stall', (stall) => {
    stallAt = performance.now();
    stalledForMs = stall.stalledForMs;
  });
  supervisor.on('exit', () => {
    exitAt = performance.now();
  });
  const outcome = await supervisor.run().catch((error: { outcome?: FfmpegOutcome }) => {
    if (!error.outcome) throw error;
    return error.outcome;
  });
  const startupAllowanceMs = phase === 'startup' ? STARTUP_GRACE_MS : 0;
  const dueAt = (phase === 'startup' ? spawnAt : lastForwardAt) + startupAllowanceMs + STALL_TIMEOUT_MS;
  return {
    detectionMs: stallAt - dueAt,
    payloadLateMs: stalledForMs - STALL_TIMEOUT_MS - startupAllowanceMs,
    stopMs: exitAt - stallAt,
    outcome,
    pidGone: outcome.pid === undefined || !isProcessAlive(outcome.pid),
  };
}

async function main(): Promise<void> {
  printHeading('Stall detection and stop latency (fake ffmpeg, real time)');
  console.log(
    `${RUNS} runs per case, sequential; stallTimeoutMs ${STALL_TIMEOUT_MS}, startupGraceMs ${STARTUP_GRACE_MS}, ` +
      `killGraceMs ${KILL_GRACE_MS}; times in ms\n`,
  );
  const removeHandlers = onInterrupt(() => killAllLiveRuns());
  const detectionRows: Array<Array<string | number>> = [['case', 'runs', 'min', 'median', 'p95', 'max', 'payload late max', 'within bound']];
  const stopRows: Array<Array<string | number>> = [['case', 'outcome', 'SIGKILL', 'min', 'median', 'p95', 'max', 'bound', 'pids gone']];
  const problems: string[] = [];
  try {
    for (const testCase of CASES) {
      const fake = createFakeFfmpeg(testCase.scenario);
      const results: RunResult[] = [];
      try {
        for (let run = 0; run < RUNS; run++) results.push(await runOnce(fake.path, testCase.phase));
      } finally {
        fake.cleanup();
      }
      const detection = summarize(results.map((result) => result.detectionMs));
      const stop = summarize(results.map((result) => result.stopMs));
      const ignoresSigterm = testCase.scenario.onSigterm === 'ignore';
      const reapBoundMs = ignoresSigterm ? KILL_GRACE_MS + REAP_SLACK_MS : undefined;
      const withinDetection = results.filter((result) => result.detectionMs >= -1 && result.detectionMs <= DETECTION_BOUND_MS).length;
      const reasons = [...new Set(results.map((result) => result.outcome.reason))].join(',');
      const forced = results.filter((result) => result.outcome.forcedKill).length;
      const gone = results.filter((result) => result.pidGone).length;
      detectionRows.push([
        testCase.name,
        results.length,
        fixed(detection.min),
        fixed(detection.median),
        fixed(detection.p95),
        fixed(detection.max),
        fixed(Math.max(...results.map((result) => result.payloadLateMs))),
        `${withinDetection}/${results.length}`,
      ]);
      stopRows.push([
        testCase.name,
        reasons,
        `${forced}/${results.length}`,
        fixed(stop.min),
        fixed(stop.median),
        fixed(stop.p95),
        fixed(stop.max),
        reapBoundMs === undefined ? '-' : `≤ ${reapBoundMs}: ${results.filter((result) => result.stopMs <= reapBoundMs).length}/${results.length}`,
        `${gone}/${results.length}`,
      ]);
      if (reasons !== 'stalled') problems.push(`${testCase.name}: outcome reasons ${reasons}`);
      if (gone !== results.length) problems.push(`${testCase.name}: ${results.length - gone} pids still alive after exit`);
    }
  } finally {
    removeHandlers();
  }
  console.log(`Detection: stall event − (last forward progress + stallTimeoutMs) [startup: − (spawn + grace + timeout)]; bound 0…${DETECTION_BOUND_MS} ms\n`);
  printTable(detectionRows);
  console.log('\nStop: stall event → exit event\n');
  printTable(stopRows);
  for (const problem of problems) console.log(`\nNOTE: ${problem}`);
}

await main();
