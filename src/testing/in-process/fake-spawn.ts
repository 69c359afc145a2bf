import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import { type Clock, systemClock, type TimerClock, validateClock } from '../../supervisor/clock.js';
import { IN_PROCESS_SPAWN, type SpawnFunction } from '../../supervisor/options.js';
import { isFfprobeCall } from '../scenario/command-line.js';
import { FakeChildProcess } from './fake-child-process.js';
import type { FakeFfmpegScenario } from '../scenario/format.js';
import { describeValue } from '../../supervisor/describe-value.js';
import { validateScenario } from '../scenario/validate.js';

/** Options of {@link createFakeSpawn}. */
export interface CreateFakeSpawnOptions {
  /** The clock the scenario's waits run on; pass the one the supervisor or ladder gets. @default the system clock */
  readonly clock?: Clock;
}

/** One call of a fake spawn. */
export interface FakeSpawnCall {
  /** `'ffprobe'` when the file's name holds `ffprobe` (or the arguments ask for `-show_streams`). */
  readonly tool: 'ffmpeg' | 'ffprobe';
  readonly file: string;
  readonly args: readonly string[];
  /** The in-process child; `undefined` when the spawn failed. */
  readonly child: FakeChildProcess | undefined;
}

/** A `spawn` option for `FfmpegSupervisor` and `RemuxLadder` whose children are in-process fakes. */
export interface FakeSpawn extends SpawnFunction {
  /** Every call so far, in order. */
  readonly calls: readonly FakeSpawnCall[];
}

/** Above Linux's largest pid (`PID_MAX_LIMIT`, 4 194 304), so a fake pid never names a real process. */
const FAKE_PID_BASE = 5_000_000;
let nextPid = FAKE_PID_BASE;

/**
 * A `spawn` whose children play `scenario` in-process, on `clock`: no subprocess, and under a
 * fake clock a whole run (progress, stall, SIGTERM, kill grace) takes milliseconds of real time.
 * ffprobe calls answer with the scenario's `probe`. With a list, the n-th ffmpeg run plays the
 * n-th scenario (the last one repeats; ffprobe answers from the first): a ladder that climbs.
 * Not supported in-process: `grandchildHoldsPipesMs` (a TypeError here; use `createFakeFfmpeg`).
 *
 * @example
 * const clock = FakeTimers.createClock();
 * const spawn = createFakeSpawn(scenarios.progressThenHang(), { clock });
 * const run = new FfmpegSupervisor({ args, ffmpegPath: 'ffmpeg', spawn, clock }).run();
 * const error = await runUntilSettled(clock, run).catch((e) => e); // error.outcome.reason === 'stalled'
 */
export function createFakeSpawn(
  scenario: FakeFfmpegScenario | readonly FakeFfmpegScenario[],
  options: CreateFakeSpawnOptions = {},
): FakeSpawn {
  const list: readonly FakeFfmpegScenario[] = Array.isArray(scenario) ? scenario : [scenario as FakeFfmpegScenario];
  if (list.length === 0) throw new TypeError('The `scenario` list of createFakeSpawn() must not be empty.');
  list.forEach((entry, index) => validateScenario(entry, { name: Array.isArray(scenario) ? `scenario[${index}]` : 'scenario', inProcess: true }));
  const clock: TimerClock = options.clock === undefined ? systemClock : validateClock(options.clock);
  const calls: FakeSpawnCall[] = [];
  let ffmpegRuns = 0;
  const spawn = (file: string, args: readonly string[], spawnOptions: Parameters<SpawnFunction>[2]): ChildProcess => {
    const command = unwrapSetpriv(file, args);
    const tool = isFfprobeCall(command.file, command.args) ? 'ffprobe' : 'ffmpeg';
    const played = (tool === 'ffprobe' ? list[0] : list[Math.min(ffmpegRuns++, list.length - 1)]) as FakeFfmpegScenario;
    const child = new FakeChildProcess({ ...command, scenario: played, stdio: spawnOptions?.stdio, clock, pid: nextPid++ });
    calls.push({ tool, ...command, child });
    return child as unknown as ChildProcess;
  };
  return Object.assign(spawn, { calls, [IN_PROCESS_SPAWN]: true as const });
}

/**
 * A `spawn` that fails like Node's when the binary cannot be started: no pid, then `'error'`
 * (an errno error such as `spawn ffmpeg ENOENT`) and `'close'` on the next tick.
 */
createFakeSpawn.failing = function failing(code: 'ENOENT' | 'EACCES' | 'EAGAIN' | 'EMFILE' = 'ENOENT'): FakeSpawn {
  const errno = (constants.errno as Record<string, number | undefined>)[code];
  if (errno === undefined) throw new TypeError(`The \`code\` of createFakeSpawn.failing() must be an errno name such as "ENOENT"; got ${describeValue(code)}.`);
  const calls: FakeSpawnCall[] = [];
  const spawn = (file: string, args: readonly string[]): ChildProcess => {
    calls.push({ tool: isFfprobeCall(file, args) ? 'ffprobe' : 'ffmpeg', file, args: [...args], child: undefined });
    const child = Object.assign(new EventEmitter(), {
      pid: undefined,
      stdin: null,
      stdout: null,
      stderr: null,
      stdio: [null, null, null],
      exitCode: null,
      signalCode: null,
      killed: false,
      kill: () => false,
    });
    const error = Object.assign(new Error(`spawn ${file} ${code}`), { errno: -errno, code, syscall: `spawn ${file}`, path: file, spawnargs: [...args] });
    process.nextTick(() => {
      child.emit('error', error);
      child.emit('close', -errno, null);
    });
    return child as unknown as ChildProcess;
  };
  return Object.assign(spawn, { calls, [IN_PROCESS_SPAWN]: true as const });
};

/** `setpriv --pdeathsig KILL -- ffmpeg args…` (the `parentDeathSignal` option) plays as ffmpeg. */
function unwrapSetpriv(file: string, args: readonly string[]): { file: string; args: readonly string[] } {
  const separator = args.indexOf('--');
  if (file !== 'setpriv' || separator < 0 || args[separator + 1] === undefined) return { file, args: [...args] };
  return { file: args[separator + 1] as string, args: args.slice(separator + 2) };
}
