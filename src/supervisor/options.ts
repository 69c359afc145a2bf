import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { type Clock, systemClock, type TimerClock, validateClock } from './clock.js';
import { describeValue } from './describe-value.js';
import { withLongTimers } from './long-timer.js';
import {
  validateBoolean,
  validateByteCount,
  validateChoice,
  validateDuration,
  validateOptionalFunction,
  validateOptionalString,
  validateSignal,
} from './option-validators.js';

/** Same shape as `child_process.spawn`; the test kit passes one that plays scenarios in-process. */
export type SpawnFunction = (file: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

/**
 * Set to `true` on a `spawn` function whose children are in-process fakes (the test kit's
 * `createFakeSpawn` does): no binary is resolved for it and no process group is signalled. Any
 * other `spawn` (a wrapper that logs, or runs ffmpeg under `nice`) gets the normal behaviour.
 */
export const IN_PROCESS_SPAWN: unique symbol = Symbol.for('ffmpeg-supervisor.in-process-spawn') as never;

/** Whether `spawn` says its children are in-process fakes (see {@link IN_PROCESS_SPAWN}). */
export function isInProcessSpawn(spawn: SpawnFunction | undefined): boolean {
  return (spawn as { [IN_PROCESS_SPAWN]?: unknown } | undefined)?.[IN_PROCESS_SPAWN] === true;
}

/** The supervisor's events, by name (what `onListenerError` is told). */
export type SupervisorEventName = 'spawn' | 'progress' | 'stderr' | 'stall' | 'exit';

export interface FfmpegSupervisorOptions {
  /** ffmpeg arguments, without `-progress` (the supervisor adds it). */
  readonly args: readonly string[];
  /** @default resolveFfmpegPath() */
  readonly ffmpegPath?: string;
  /** No forward progress for this long → stall. Any length; `Infinity` turns the watchdog off. @default 90_000 */
  readonly stallTimeoutMs?: number;
  /**
   * Extra allowance before the first forward progress (probing input, opening network sources).
   * `Infinity`: no stall is called before the first forward progress. @default 30_000
   */
  readonly startupGraceMs?: number;
  /** Overall deadline for the run. Any length (timers chain past 2³¹ ms); `Infinity` is none. @default undefined (none) */
  readonly timeoutMs?: number;
  /** Delay between SIGTERM and SIGKILL; finite (a stop always ends in SIGKILL). @default 5_000 */
  readonly killGraceMs?: number;
  /**
   * How long to wait for the process to be reaped after SIGKILL. A process that SIGKILL cannot
   * end (uninterruptible sleep on a dead NFS server) then settles the run anyway, with
   * `outcome.unreaped: true`; the host-exit hook still kills it when the host exits.
   * `Infinity` waits for ever. @default 10_000
   */
  readonly reapTimeoutMs?: number;
  /** The host's cancellation. Already aborted → rejects without spawning. */
  readonly signal?: AbortSignal;
  /** Time source for every timer. @default the system clock */
  readonly clock?: Clock;
  /** Expected output duration; enables `progress.percent`. */
  readonly expectedDurationUs?: number;
  /** Where ffmpeg writes progress: fd 3 keeps stdout free for media; 1 uses stdout. @default 3 */
  readonly progressFd?: 1 | 3;
  /** Bytes of stderr kept for the outcome. @default 65_536 */
  readonly stderrTailBytes?: number;
  /** After exit, how long to wait for the pipes to close (a grandchild may hold them) before destroying them. @default 2_000 */
  readonly pipeDrainMs?: number;
  /** `'pipe'` exposes `supervisor.stdin`; otherwise stdin is closed and `-nostdin` is injected either way. @default 'ignore' */
  readonly stdin?: 'ignore' | 'pipe';
  /** `'pipe'` leaves `supervisor.stdout` for the host to consume; `'drain'` reads and discards it. @default 'drain' */
  readonly stdout?: 'drain' | 'pipe';
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** SIGKILL the process group if the host process exits while ffmpeg runs. @default true */
  readonly killOnHostExit?: boolean;
  /**
   * Linux: start ffmpeg through `setpriv --pdeathsig KILL` so the kernel kills it even when
   * the host is SIGKILLed. Costs one extra exec per spawn; needs util-linux. @default false
   */
  readonly parentDeathSignal?: boolean;
  /**
   * Replaces `child_process.spawn` (a wrapper that logs or runs ffmpeg under `nice`, or the test
   * kit's fake). Binary resolution and process groups work as without it, except for a spawn
   * marked {@link IN_PROCESS_SPAWN} (in-process fakes: no binary, no process group).
   */
  readonly spawn?: SpawnFunction;
  /**
   * Start ffmpeg as the leader of its own process group and signal the whole group, so helpers
   * and grandchildren stop with it. @default true where the platform has process groups (not
   * Windows), false for an in-process fake spawn
   */
  readonly processGroup?: boolean;
  /**
   * Find the binary (`FFMPEG_PATH`, the installer package, `PATH`) when `ffmpegPath` is not
   * given. `false` spawns `ffmpegPath` (or plain `ffmpeg`) as written. @default true, false for
   * an in-process fake spawn
   */
  readonly resolveBinary?: boolean;
  /**
   * Called with the exception of a throwing event listener (and the event's name). A listener
   * never affects the run; without this hook its exception is rethrown asynchronously, where it
   * becomes an `uncaughtException`, as Node does for a throwing listener outside a call stack.
   */
  readonly onListenerError?: (error: unknown, event: SupervisorEventName) => void;
  /**
   * `false` runs a tool without `-progress` (ffprobe): nothing is injected and there is no
   * watchdog; `timeoutMs`, `signal`, the stepwise stop and the outcome work as usual. @default true
   */
  readonly watchProgress?: boolean;
}

export interface ResolvedSupervisorOptions {
  readonly args: readonly string[];
  readonly ffmpegPath: string | undefined;
  readonly stallTimeoutMs: number;
  readonly startupGraceMs: number;
  readonly timeoutMs: number | undefined;
  readonly killGraceMs: number;
  readonly reapTimeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly clock: TimerClock;
  readonly expectedDurationUs: number | undefined;
  readonly progressFd: 1 | 3;
  readonly stderrTailBytes: number;
  readonly pipeDrainMs: number;
  readonly stdin: 'ignore' | 'pipe';
  readonly stdout: 'drain' | 'pipe';
  readonly cwd: string | undefined;
  readonly env: NodeJS.ProcessEnv | undefined;
  readonly killOnHostExit: boolean;
  readonly parentDeathSignal: boolean;
  readonly spawn: SpawnFunction | undefined;
  readonly processGroup: boolean;
  readonly resolveBinary: boolean;
  readonly onListenerError: ((error: unknown, event: SupervisorEventName) => void) | undefined;
  readonly watchProgress: boolean;
}

export const SUPERVISOR_DEFAULTS = Object.freeze({
  stallTimeoutMs: 90_000,
  startupGraceMs: 30_000,
  killGraceMs: 5_000,
  reapTimeoutMs: 10_000,
  progressFd: 3,
  stderrTailBytes: 64 * 1024,
  pipeDrainMs: 2_000,
} as const);

/** Fills defaults and validates every option once, with a TypeError naming the option and the bad value. */
export function resolveSupervisorOptions(options: FfmpegSupervisorOptions): ResolvedSupervisorOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`FfmpegSupervisor options must be an object; got ${describeValue(options)}.`);
  }
  const args = validateArgs(options.args);
  if (options.progressFd === 1 && options.stdout === 'pipe') {
    throw new TypeError('The `stdout` option cannot be "pipe" when `progressFd` is 1: stdout then carries the progress.');
  }
  const spawn = validateOptionalFunction<SpawnFunction>(options.spawn, 'spawn');
  const inProcess = isInProcessSpawn(spawn);
  const timeoutMs = validateDuration(options.timeoutMs, 'timeoutMs', Number.POSITIVE_INFINITY, { min: 1, allowInfinity: true });
  return {
    args,
    ffmpegPath: validateOptionalString(options.ffmpegPath, 'ffmpegPath'),
    stallTimeoutMs: validateDuration(options.stallTimeoutMs, 'stallTimeoutMs', SUPERVISOR_DEFAULTS.stallTimeoutMs, { min: 1, allowInfinity: true }),
    startupGraceMs: validateDuration(options.startupGraceMs, 'startupGraceMs', SUPERVISOR_DEFAULTS.startupGraceMs, { min: 0, allowInfinity: true }),
    timeoutMs: timeoutMs === Number.POSITIVE_INFINITY ? undefined : timeoutMs,
    killGraceMs: validateDuration(options.killGraceMs, 'killGraceMs', SUPERVISOR_DEFAULTS.killGraceMs, { min: 0 }),
    reapTimeoutMs: validateDuration(options.reapTimeoutMs, 'reapTimeoutMs', SUPERVISOR_DEFAULTS.reapTimeoutMs, { min: 0, allowInfinity: true }),
    signal: validateSignal(options.signal),
    clock: withLongTimers(options.clock === undefined ? systemClock : validateClock(options.clock)),
    expectedDurationUs:
      options.expectedDurationUs === undefined
        ? undefined
        : validateDuration(options.expectedDurationUs, 'expectedDurationUs', 0, { min: 1 }),
    progressFd: validateChoice(options.progressFd, 'progressFd', [3, 1] as const, SUPERVISOR_DEFAULTS.progressFd),
    stderrTailBytes: validateByteCount(options.stderrTailBytes, 'stderrTailBytes', SUPERVISOR_DEFAULTS.stderrTailBytes),
    pipeDrainMs: validateDuration(options.pipeDrainMs, 'pipeDrainMs', SUPERVISOR_DEFAULTS.pipeDrainMs, { min: 0 }),
    stdin: validateChoice(options.stdin, 'stdin', ['ignore', 'pipe'] as const, 'ignore'),
    stdout: validateChoice(options.stdout, 'stdout', ['drain', 'pipe'] as const, 'drain'),
    cwd: validateOptionalString(options.cwd, 'cwd'),
    env: options.env,
    killOnHostExit: validateBoolean(options.killOnHostExit, 'killOnHostExit', true),
    parentDeathSignal: validateBoolean(options.parentDeathSignal, 'parentDeathSignal', false),
    spawn,
    processGroup: validateBoolean(options.processGroup, 'processGroup', !inProcess && process.platform !== 'win32'),
    resolveBinary: validateBoolean(options.resolveBinary, 'resolveBinary', !inProcess),
    onListenerError: validateOptionalFunction(options.onListenerError, 'onListenerError'),
    watchProgress: validateBoolean(options.watchProgress, 'watchProgress', true),
  };
}

function validateArgs(args: unknown): readonly string[] {
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) {
    throw new TypeError(`The \`args\` option must be an array of strings; got ${describeValue(args)}.`);
  }
  const progressIndex = args.findIndex((arg) => arg === '-progress');
  if (progressIndex !== -1) {
    throw new TypeError(
      `The \`args\` option must not contain \`${args[progressIndex]}\`: the supervisor adds \`-progress pipe:N\` itself.`,
    );
  }
  return Object.freeze([...args]);
}
