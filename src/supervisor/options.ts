import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { type Clock, describeValue, systemClock, type TimerClock, validateClock } from './clock.js';

/** Same shape as `child_process.spawn`; the test kit passes one that plays scenarios in-process. */
export type SpawnFunction = (file: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export interface FfmpegSupervisorOptions {
  /** ffmpeg arguments, without `-progress` (the supervisor adds it). */
  readonly args: readonly string[];
  /** @default resolveFfmpegPath() */
  readonly ffmpegPath?: string;
  /** No forward progress for this long → stall. @default 90_000 */
  readonly stallTimeoutMs?: number;
  /** Extra allowance before the first forward progress (probing input, opening network sources). @default 30_000 */
  readonly startupGraceMs?: number;
  /** Overall deadline for the run. @default undefined (none) */
  readonly timeoutMs?: number;
  /** Delay between SIGTERM and SIGKILL. @default 5_000 */
  readonly killGraceMs?: number;
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
  /** Replaces `child_process.spawn` (the test kit's fake); signals then go to `child.kill()`. */
  readonly spawn?: SpawnFunction;
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
  readonly watchProgress: boolean;
}

export const SUPERVISOR_DEFAULTS = Object.freeze({
  stallTimeoutMs: 90_000,
  startupGraceMs: 30_000,
  killGraceMs: 5_000,
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
  return {
    args,
    ffmpegPath: validateOptionalString(options.ffmpegPath, 'ffmpegPath'),
    stallTimeoutMs: validateDuration(options.stallTimeoutMs, 'stallTimeoutMs', SUPERVISOR_DEFAULTS.stallTimeoutMs, 1),
    startupGraceMs: validateDuration(options.startupGraceMs, 'startupGraceMs', SUPERVISOR_DEFAULTS.startupGraceMs, 0),
    timeoutMs: options.timeoutMs === undefined ? undefined : validateDuration(options.timeoutMs, 'timeoutMs', 0, 1),
    killGraceMs: validateDuration(options.killGraceMs, 'killGraceMs', SUPERVISOR_DEFAULTS.killGraceMs, 0),
    signal: validateSignal(options.signal),
    clock: options.clock === undefined ? systemClock : validateClock(options.clock),
    expectedDurationUs:
      options.expectedDurationUs === undefined
        ? undefined
        : validateDuration(options.expectedDurationUs, 'expectedDurationUs', 0, 1),
    progressFd: validateChoice(options.progressFd, 'progressFd', [3, 1] as const, SUPERVISOR_DEFAULTS.progressFd),
    stderrTailBytes: validateDuration(options.stderrTailBytes, 'stderrTailBytes', SUPERVISOR_DEFAULTS.stderrTailBytes, 0),
    pipeDrainMs: validateDuration(options.pipeDrainMs, 'pipeDrainMs', SUPERVISOR_DEFAULTS.pipeDrainMs, 0),
    stdin: validateChoice(options.stdin, 'stdin', ['ignore', 'pipe'] as const, 'ignore'),
    stdout: validateChoice(options.stdout, 'stdout', ['drain', 'pipe'] as const, 'drain'),
    cwd: validateOptionalString(options.cwd, 'cwd'),
    env: options.env,
    killOnHostExit: validateBoolean(options.killOnHostExit, 'killOnHostExit', true),
    parentDeathSignal: validateBoolean(options.parentDeathSignal, 'parentDeathSignal', false),
    spawn: validateOptionalFunction(options.spawn, 'spawn'),
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

/** A non-negative finite number of ms (or µs, bytes) at least `min`; `undefined` → the default. */
export function validateDuration(value: unknown, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new TypeError(`The \`${name}\` option must be a finite number ≥ ${min}; got ${describeValue(value)}.`);
  }
  return value;
}

function validateChoice<T extends string | number>(value: unknown, name: string, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) {
    throw new TypeError(
      `The \`${name}\` option must be one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}; got ${describeValue(value)}.`,
    );
  }
  return value as T;
}

function validateBoolean(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`The \`${name}\` option must be a boolean; got ${describeValue(value)}.`);
  return value;
}

function validateOptionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`The \`${name}\` option must be a non-empty string; got ${describeValue(value)}.`);
  }
  return value;
}

function validateOptionalFunction<T>(value: unknown, name: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw new TypeError(`The \`${name}\` option must be a function; got ${describeValue(value)}.`);
  return value as T;
}

function validateSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) {
    throw new TypeError(`The \`signal\` option must be an AbortSignal; got ${describeValue(value)}.`);
  }
  return value;
}
