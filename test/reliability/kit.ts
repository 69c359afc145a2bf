/**
 * Shared by the reliability tests: supervisors and ladders on the fake ffmpeg with every event
 * recorded and every process tracked for cleanup, the real binaries, and small file helpers.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FfmpegOutcome } from '../../src/supervisor/outcome.js';
import type { FfmpegSupervisorOptions } from '../../src/supervisor/options.js';
import { type FfmpegStall, FfmpegSupervisor } from '../../src/supervisor/supervisor.js';
import { RemuxLadder } from '../../src/remux/ladder.js';
import type { RemuxLadderOptions } from '../../src/remux/ladder-types.js';
import { createFakeFfmpeg, type FakeFfmpeg } from '../../src/testing/subprocess/fake-ffmpeg.js';
import type { FakeFfmpegScenario } from '../../src/testing/scenario/format.js';
import { FFMPEG_BINARIES } from '../helpers/media.js';
import { identifyProcess, isSameProcessAlive, type ProcessIdentity } from '../helpers/resources.js';
import { type RoutedFake, routeFakesByArgs } from '../helpers/route-fakes.js';

/** The real ffmpeg builds present here (the npm static 2018 build, Debian's 5.1). */
export const REAL_FFMPEG = FFMPEG_BINARIES.flatMap((binary) => (binary.path === undefined ? [] : [{ name: binary.name, path: binary.path }]));

/** Timeouts short enough for real-time tests on the fake. */
export const SHORT = { stallTimeoutMs: 400, startupGraceMs: 200, killGraceMs: 300 } as const;

/** A remux-like argument list; the fake writes its output to the last argument. */
export const FAKE_ARGS = ['-i', 'file:in.ts', '-c', 'copy', '-f', 'mp4', 'file:/dev/null'] as const;

const cleanups: Array<() => void> = [];
const tracked: ProcessIdentity[] = [];

/**
 * Registers a process (by pid and start time) for {@link cleanUpProcessesAndFakes}. Unlike a
 * bare pid, the identity never lets the cleanup SIGKILL an unrelated process that got the pid
 * after ours was reaped. Returns the identity, or `undefined` when the process is already gone.
 */
export function trackProcess(pid: number | undefined): ProcessIdentity | undefined {
  if (pid === undefined) throw new Error('trackProcess: no pid (did the spawn fail?)');
  const identity = identifyProcess(pid);
  if (identity) tracked.push(identity);
  return identity;
}

/** Registers a process whose identity is already known (read while it surely ran). */
export function trackIdentity(identity: ProcessIdentity): ProcessIdentity {
  tracked.push(identity);
  return identity;
}

/** Polls until that process is gone (`undefined`: it already was). Resolves `false` on timeout. */
export async function waitUntilGone(identity: ProcessIdentity | undefined, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (identity !== undefined && isSameProcessAlive(identity)) {
    if (Date.now() >= deadline) return false;
    await sleep(10);
  }
  return true;
}

/** SIGKILLs every tracked process that is still the same process (and its group), waits until they are gone; removes every fake. */
export async function cleanUpProcessesAndFakes(): Promise<void> {
  const alive = tracked.splice(0).filter(isSameProcessAlive);
  for (const { pid } of alive) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // ESRCH: not a group leader, or gone meanwhile
      }
    }
  }
  const deadline = Date.now() + 10_000;
  while (alive.some(isSameProcessAlive) && Date.now() < deadline) await sleep(10);
  for (const cleanup of cleanups.splice(0)) cleanup();
  const survivors = alive.filter(isSameProcessAlive);
  if (survivors.length > 0) throw new Error(`still alive after SIGKILL: ${survivors.map(({ pid }) => pid).join(', ')}`);
}

export function makeFake(scenario: FakeFfmpegScenario): FakeFfmpeg {
  const fake = createFakeFfmpeg(scenario);
  cleanups.push(fake.cleanup);
  return fake;
}

export function makeRoutedFake(...args: Parameters<typeof routeFakesByArgs>): RoutedFake {
  const fake = routeFakesByArgs(...args);
  cleanups.push(fake.cleanup);
  return fake;
}

/** Everything a supervisor told us. */
export interface RecordedEvents {
  readonly spawnedPids: number[];
  /** The processes the fake reported it started (`grandchild pid=…`, `escaped pid=…`), identified when the line came. */
  readonly descendants: ProcessIdentity[];
  progress: number;
  readonly stalls: FfmpegStall[];
  readonly exits: FfmpegOutcome[];
  readonly stderr: string[];
}

/** Records every event of a supervisor and tracks its process (and any it reports on stderr) for cleanup. */
export function record(supervisor: FfmpegSupervisor): RecordedEvents {
  const events: RecordedEvents = { spawnedPids: [], descendants: [], progress: 0, stalls: [], exits: [], stderr: [] };
  supervisor.on('spawn', ({ pid }) => {
    trackProcess(pid);
    events.spawnedPids.push(pid as number);
  });
  supervisor.on('progress', () => (events.progress += 1));
  supervisor.on('stall', (stall) => events.stalls.push(stall));
  supervisor.on('exit', (outcome) => events.exits.push(outcome));
  supervisor.on('stderr', (line) => {
    events.stderr.push(line);
    const descendant = /^(?:grandchild|escaped) pid=(\d+)/.exec(line)?.[1];
    const identity = descendant === undefined ? undefined : trackProcess(Number(descendant));
    if (identity) events.descendants.push(identity);
  });
  return events;
}

/** A supervisor on a fresh fake playing `scenario`, events recorded. */
export function superviseFake(scenario: FakeFfmpegScenario, options: Partial<FfmpegSupervisorOptions> = {}) {
  const fake = makeFake(scenario);
  const supervisor = new FfmpegSupervisor({ ffmpegPath: fake.path, args: [...FAKE_ARGS], ...options });
  return { supervisor, events: record(supervisor), fake };
}

/** A supervisor on a real binary, events recorded. */
export function superviseReal(ffmpegPath: string, args: readonly string[], options: Partial<FfmpegSupervisorOptions> = {}) {
  const supervisor = new FfmpegSupervisor({ ffmpegPath, args, ...options });
  return { supervisor, events: record(supervisor) };
}

/** A ladder whose ffmpeg is `ffmpegPath` (real ffprobe), with attempts and stalls recorded. */
export function recordLadder(options: RemuxLadderOptions) {
  const ladder = new RemuxLadder({ ...SHORT, ...options });
  const attempts: string[] = [];
  const attemptArgs: string[][] = [];
  const stalls: string[] = [];
  ladder.on('attempt', (attempt) => {
    attempts.push(attempt.strategy);
    attemptArgs.push([...attempt.args]);
  });
  ladder.on('stall', (stall) => {
    trackProcess(stall.pid);
    stalls.push(stall.strategy);
  });
  return { ladder, attempts, attemptArgs, stalls };
}

/** A ladder on one fake that plays `scenario` on every rung. */
export function ladderOnFake(scenario: FakeFfmpegScenario, options: RemuxLadderOptions = {}) {
  return recordLadder({ ffmpegPath: makeRoutedFake([], scenario).path, ...options });
}

/** Hidden files (the ladder's temp files and concat lists start with a dot). */
export function dotFilesIn(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.startsWith('.'));
}

/**
 * A FIFO nobody writes to, held open for writing (`r+` does not block) so that ffmpeg's open
 * succeeds and its first `read()` blocks: the silent input of a stuck source. Returns the path
 * and a function that closes our end.
 */
export function silentFifo(dir: string, name: string): { path: string; close: () => void } {
  const path = join(dir, name);
  if (!existsSync(path)) execFileSync('mkfifo', [path]);
  const fd = openSync(path, 'r+');
  let closed = false;
  return {
    path,
    close: () => {
      if (!closed) closeSync(fd);
      closed = true;
    },
  };
}

/** Writes an executable `/bin/sh` script and returns its path. */
export function writeScript(path: string, body: string): string {
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Single-quotes a value for `/bin/sh`. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A lavfi source for real ffmpeg: `seconds` of testsrc2 (320x240, 25 fps). `-re` paces it in real time. */
export function lavfiInput(seconds: number | undefined, { realtime = false } = {}): string[] {
  const duration = seconds === undefined ? '' : `duration=${seconds}:`;
  return [...(realtime ? ['-re'] : []), '-f', 'lavfi', '-i', `testsrc2=${duration}size=320x240:rate=25`];
}

/** Resolves after `ms` of real time. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls for a live member of process group `pgid` (not its leader) whose command line contains every one of `parts`. */
export function waitForGroupMember(pgid: number, parts: readonly string[], timeoutMs = 20_000): Promise<number> {
  const members = (): number[] =>
    readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== pgid)
      .filter((entry) => {
        try {
          const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid;
        } catch {
          return false;
        }
      })
      .map(Number);
  return waitForProcess(members, parts, timeoutMs, `member of group ${pgid}`);
}

async function waitForProcess(candidates: () => number[], parts: readonly string[], timeoutMs: number, what: string): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const pid of candidates()) {
      let cmdline = '';
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      } catch {
        continue;
      }
      if (parts.every((part) => cmdline.includes(part))) return pid;
    }
    await sleep(10);
  }
  throw new Error(`no ${what} ran with ${JSON.stringify(parts)}`);
}
