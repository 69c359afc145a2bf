/**
 * Case 22 of the fault table, end to end: a real host process (test/fixtures/host-program.ts)
 * runs supervised fake ffmpeg jobs and a ladder job with a temp file on disk, then ends in each
 * way a host can end. After it is gone we look in /proc for every process the fakes started and
 * on disk for the temp file.
 *
 * What the library offers, and what each way leaves behind:
 * - normal exit (`process.exit`, an empty loop): the `exit` hook (`killOnHostExit`, default
 *   true) SIGKILLs every live group. Temp files stay (KNOWN GAP, see below).
 * - SIGTERM/SIGINT: nothing unless the host acts. Either `installShutdownHandlers()` (SIGKILL
 *   every group, re-raise; temp files stay: KNOWN GAP) or, the complete way, abort the jobs'
 *   signals and wait for them (processes stopped and temp files removed).
 * - SIGKILL: no code runs. Without `parentDeathSignal` every ffmpeg keeps running; with it
 *   (`setpriv --pdeathsig KILL`, Linux) the kernel kills them. Temp files stay either way: a
 *   host should sweep `.<name>.tmp-*` files beside its outputs at start-up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { scenarios } from '../../src/testing/scenario/builders.js';
import type { HostConfig } from '../fixtures/host-program.js';
import { createTempDir, generateTs, removeTempDir } from '../helpers/media.js';
import { isSameProcessAlive, type ProcessIdentity } from '../helpers/resources.js';
import { cleanUpProcessesAndFakes, dotFilesIn, makeFake, shellQuote, sleep, trackIdentity, trackProcess, waitUntilGone, writeScript } from './kit.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOST_PROGRAM = fileURLToPath(new URL('../fixtures/host-program.ts', import.meta.url));
const HAS_SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].some((path) => existsSync(path));

let dir: string;
let input: string;

beforeAll(async () => {
  dir = createTempDir('ffsup-host-exit-');
  input = await generateTs(dir, 'recording.ts', { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 1 });
}, 60_000);
afterEach(cleanUpProcessesAndFakes);
afterAll(() => removeTempDir(dir));

interface HostRun {
  /** The host's own exit. */
  readonly exit: { code: number | null; signal: NodeJS.Signals | null };
  /** Every process a fake ffmpeg started as, with whether it was a supervised job or the ladder's attempt (not a capability probe). */
  readonly processes: ReadonlyArray<{ identity: ProcessIdentity; isJob: boolean }>;
  readonly tempPath: string;
  readonly outputDir: string;
  readonly lines: ReadonlyArray<Record<string, unknown>>;
  readonly stderr: string;
}

let runCounter = 0;

/**
 * A fake (hangs forever, or for the ladder: writes part of its output, then hangs) behind a
 * wrapper that logs `pid args` of every start, so the test knows every pid even when the host
 * died before telling.
 */
function loggedFake(scenario: Parameters<typeof makeFake>[0], pidLog: string, name: string): string {
  const fake = makeFake(scenario);
  // `pid starttime args`: the start time (field 22 of /proc/<pid>/stat) survives the exec and tells a recycled pid apart.
  return writeScript(join(fake.dir, name), `echo "$$ $(cut -d' ' -f22 /proc/$$/stat) $*" >> ${shellQuote(pidLog)}\nexec ${shellQuote(fake.path)} "$@"`);
}

function startHost(config: HostConfig): { child: ChildProcess; lines: Array<Record<string, unknown>>; nextLine: (event: string) => Promise<Record<string, unknown>>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', HOST_PROGRAM, JSON.stringify(config)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackProcess(child.pid);
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
    for (const wake of waiters.splice(0)) wake();
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const nextLine = async (event: string): Promise<Record<string, unknown>> => {
    for (;;) {
      const found = lines.find((line) => line.event === event);
      if (found) return found;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the host ended before "${event}": ${stderr}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  };
  return { child, lines, nextLine, stderr: () => stderr };
}

/** Runs the host with two hanging jobs and one ladder job, ends it with `how`, and collects what it left. */
async function runHost(how: 'exit' | NodeJS.Signals, shutdown: HostConfig['shutdown'], parentDeathSignal = false): Promise<HostRun> {
  runCounter += 1;
  const pidLog = join(dir, `pids-${runCounter}.log`);
  const outputDir = createTempDir('ffsup-host-out-');
  const ladderScenario = { steps: [{ advance: { count: 1, everyMs: 10 } }, { writeOutputText: 'half an mp4' }, { advance: { count: 1, everyMs: 10 } }, { hang: true as const }] };
  const config: HostConfig = {
    mode: 'jobs',
    ffmpegPath: loggedFake(scenarios.silentHang(), pidLog, 'ffmpeg-job'),
    jobs: 2,
    ladder: { ffmpegPath: loggedFake(ladderScenario, pidLog, 'ffmpeg-ladder'), input, output: join(outputDir, 'out.mp4') },
    shutdown,
    end: how === 'exit' ? 'exit' : 'wait',
    parentDeathSignal,
  };
  const host = startHost(config);
  const exited = new Promise<HostRun['exit']>((resolve) => host.child.once('exit', (code, signal) => resolve({ code, signal })));
  const tempPath = String((await host.nextLine('ladder-temp')).path);
  const ready = await host.nextLine('ready');
  expect(ready.ladderTempExists).toBe(true); // the ladder really had a partial temp file on disk
  if (how !== 'exit') host.child.kill(how);
  const exit = await exited;
  const processes = readFileSync(pidLog, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [pid = '', startTime = ''] = line.split(' ');
      return { identity: trackIdentity({ pid: Number(pid), startTime }), isJob: line.includes(' -progress ') };
    });
  return { exit, processes, tempPath, outputDir, lines: host.lines, stderr: host.stderr() };
}

/** Every process the fakes ran as is gone (zombies count as gone). */
async function expectAllGone(run: HostRun): Promise<void> {
  const gone = await Promise.all(run.processes.map(({ identity }) => waitUntilGone(identity)));
  expect(run.processes.filter((_, index) => !gone[index])).toEqual([]);
}

/** Every job (two supervised, one ladder attempt) still runs after its host died. */
async function expectJobsSurvived(run: HostRun): Promise<void> {
  await sleep(300);
  const jobs = run.processes.filter(({ isJob }) => isJob);
  expect(jobs).toHaveLength(3);
  expect(jobs.filter(({ identity }) => !isSameProcessAlive(identity))).toEqual([]);
}

/** Memoised per way of ending, so the process check and the temp-file check share one host run. */
const runs = new Map<string, Promise<HostRun>>();
function hostEndedBy(how: 'exit' | NodeJS.Signals, shutdown: HostConfig['shutdown'], parentDeathSignal = false): Promise<HostRun> {
  const key = `${how}/${shutdown}/${parentDeathSignal}`;
  let run = runs.get(key);
  if (!run) {
    run = runHost(how, shutdown, parentDeathSignal);
    runs.set(key, run);
  }
  return run;
}

afterAll(async () => {
  for (const run of runs.values()) removeTempDir((await run.catch(() => undefined))?.outputDir);
});

// ---- normal exit -----------------------------------------------------------------------------

test('case 22: the host calls process.exit(0) while jobs run → the exit hook SIGKILLs every ffmpeg (supervised and ladder)', async () => {
  const run = await hostEndedBy('exit', 'none');
  expect(run.exit).toEqual({ code: 0, signal: null });
  await expectAllGone(run);
});

// remux()'s `finally` never runs on process.exit: the exit hook removes the registered temp file.
test('case 22: process.exit(0) while a ladder job runs → its temp file is removed', async () => {
  const run = await hostEndedBy('exit', 'none');
  expect(existsSync(run.tempPath)).toBe(false);
});

// ---- SIGTERM / SIGINT -------------------------------------------------------------------------

test.each(['SIGTERM', 'SIGINT'] as const)('case 22: %s to a host that aborts its jobs\' signal → every ffmpeg stopped, the temp file removed, the host ends by itself (code 0)', async (signal) => {
  const run = await hostEndedBy(signal, 'abort');
  expect(run.exit).toEqual({ code: 0, signal: null });
  expect(run.lines.find((line) => line.event === 'settled')).toEqual({ event: 'settled', reasons: ['aborted', 'aborted', 'aborted'] });
  await expectAllGone(run);
  expect(existsSync(run.tempPath)).toBe(false);
  expect(dotFilesIn(run.outputDir)).toEqual([]);
  expect(existsSync(join(run.outputDir, 'out.mp4'))).toBe(false);
});

test.each(['SIGTERM', 'SIGINT'] as const)('case 22: %s to a host with installShutdownHandlers() → every ffmpeg SIGKILLed, then the host dies of the signal', async (signal) => {
  const run = await hostEndedBy(signal, 'handlers');
  expect(run.exit).toEqual({ code: null, signal });
  await expectAllGone(run);
});

// installShutdownHandlers() re-raises the signal at once, so the ladder never reaches its `finally`:
// the handler removes the registered temp file itself.
test.each(['SIGTERM', 'SIGINT'] as const)('case 22: %s with installShutdownHandlers() → the ladder temp file is removed', async (signal) => {
  const run = await hostEndedBy(signal, 'handlers');
  expect(existsSync(run.tempPath)).toBe(false);
});

test('case 22 (documented): SIGTERM to a host that does nothing → the host dies, every ffmpeg keeps running, the temp file stays', async () => {
  const run = await hostEndedBy('SIGTERM', 'none');
  expect(run.exit).toEqual({ code: null, signal: 'SIGTERM' });
  await expectJobsSurvived(run); // killed by afterEach
  expect(existsSync(run.tempPath)).toBe(true);
});

// ---- SIGKILL -----------------------------------------------------------------------------------

test.skipIf(!HAS_SETPRIV)('case 22: the host is SIGKILLed with parentDeathSignal: true → the kernel kills every ffmpeg too (setpriv --pdeathsig KILL)', async () => {
  const run = await hostEndedBy('SIGKILL', 'none', true);
  expect(run.exit).toEqual({ code: null, signal: 'SIGKILL' });
  await expectAllGone(run);
  expect(existsSync(run.tempPath)).toBe(true); // nothing can run on SIGKILL: sweep temp files at start-up
});

test('case 22 (documented): the host is SIGKILLed without parentDeathSignal → every ffmpeg survives it (killed in cleanup); the temp file stays', async () => {
  const run = await hostEndedBy('SIGKILL', 'none', false);
  expect(run.exit).toEqual({ code: null, signal: 'SIGKILL' });
  await expectJobsSurvived(run);
  expect(existsSync(run.tempPath)).toBe(true);
});
