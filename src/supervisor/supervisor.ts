import type { ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { TypedEmitter } from 'tiny-typed-emitter';
import { deliverEvent } from './deliver-event.js';
import { type FfmpegSupervisorOptions, type ResolvedSupervisorOptions, resolveSupervisorOptions, type SupervisorEventName } from './options.js';
import { errorForOutcome, type FfmpegOutcome } from './outcome.js';
import type { FfmpegProgress } from './progress-parser.js';
import { resolveFfmpegPath } from './resolve-path.js';
import type { RunPhase } from './run-phase.js';
import { type FfmpegStall, SupervisedRun } from './supervised-run.js';

export type { FfmpegStall } from './supervised-run.js';

export interface FfmpegSupervisorEvents {
  /** ffmpeg started. */
  spawn: (info: { readonly pid: number | undefined; readonly args: readonly string[] }) => void;
  /** Each complete `-progress` block, frozen ones included. */
  progress: (progress: FfmpegProgress) => void;
  /** Each stderr line (split on `\n`, `\r\n` and `\r`). */
  stderr: (line: string) => void;
  /** Once, when the watchdog calls a stall: the reason is latched and SIGTERM sent already. */
  stall: (stall: FfmpegStall) => void;
  /** Once, always, on every path; always after `run()` returned, and before awaiters of `run()` resume. */
  exit: (outcome: FfmpegOutcome) => void;
}

/**
 * Runs one ffmpeg process and keeps it honest: progress on its own pipe, a forward-progress
 * watchdog on an injected clock, a stepwise stop (SIGTERM, then SIGKILL to the process group),
 * and exactly one typed outcome. Listeners never affect the run: each is called on its own,
 * after the step it reports on, and a throwing one goes to `onListenerError` (or is rethrown
 * asynchronously).
 */
export class FfmpegSupervisor extends TypedEmitter<FfmpegSupervisorEvents> {
  readonly options: ResolvedSupervisorOptions;
  readonly #ffmpegPath: string;
  /** `stop()` aborts it: the run treats it exactly like the host's `signal`. */
  readonly #stopController = new AbortController();
  #runPromise: Promise<FfmpegOutcome> | undefined;
  #run: SupervisedRun | undefined;
  #child: ChildProcess | undefined;
  #outcome: FfmpegOutcome | undefined;

  constructor(options: FfmpegSupervisorOptions) {
    super();
    this.options = resolveSupervisorOptions(options);
    this.#ffmpegPath = this.options.resolveBinary ? resolveFfmpegPath(this.options.ffmpegPath) : (this.options.ffmpegPath ?? 'ffmpeg');
  }

  get ffmpegPath(): string {
    return this.#ffmpegPath;
  }

  /** The child's pid once spawned. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Where the run is: `idle` before `run()`, then `starting`, `running`, `stopping`, `draining`, `settled`. */
  get phase(): RunPhase | 'idle' {
    return this.#run?.phase ?? 'idle';
  }

  /**
   * With `stdout: 'pipe'`: ffmpeg's stdout, for the host to consume. The supervisor never reads
   * or destroys it, and `run()` does not wait for it: await your own reader for the last bytes.
   */
  get stdout(): Readable | null {
    return this.options.stdout === 'pipe' ? (this.#child?.stdout ?? null) : null;
  }

  /** With `stdin: 'pipe'`: ffmpeg's stdin, the host's to write and end (EPIPE after exit is swallowed). */
  get stdin(): NodeJS.WritableStream | null {
    return this.#child?.stdin ?? null;
  }

  /** The outcome once settled. */
  get outcome(): FfmpegOutcome | undefined {
    return this.#outcome;
  }

  /**
   * Starts ffmpeg and resolves with the outcome when it completed; rejects with an
   * `FfmpegError` (carrying `outcome`) on every other path. Every later call, from anywhere
   * (listeners included), returns the same promise: one supervisor runs one process.
   */
  run(): Promise<FfmpegOutcome> {
    if (this.#runPromise) return this.#runPromise;
    let resolve!: (outcome: FfmpegOutcome) => void;
    let reject!: (error: unknown) => void;
    this.#runPromise = new Promise<FfmpegOutcome>((onResolve, onReject) => {
      resolve = onResolve;
      reject = onReject;
    });
    const signals = this.options.signal ? [this.options.signal, this.#stopController.signal] : [this.#stopController.signal];
    this.#run = new SupervisedRun(this.options, this.#ffmpegPath, signals, {
      spawn: (info) => this.#deliver('spawn', info),
      progress: (progress) => this.#deliver('progress', progress),
      stderr: (line) => this.#deliver('stderr', line),
      stall: (stall) => this.#deliver('stall', stall),
      child: (child) => {
        this.#child = child;
      },
      settled: (outcome, cause) => {
        this.#outcome = outcome;
        const error = errorForOutcome(outcome, cause, programName(this.#ffmpegPath));
        // Later, never inside run() or the machinery: `exit` listeners first, then the awaiters.
        queueMicrotask(() => {
          this.#deliver('exit', outcome);
          if (error) reject(error);
          else resolve(outcome);
        });
      },
    });
    this.#run.start();
    return this.#runPromise;
  }

  /**
   * Counts as forward progress now, for work ffmpeg does not report: the `+faststart` pass
   * rewrites the whole MP4 after its last progress block (a host that watches the output file
   * calls this while it keeps changing). No effect before spawn, after exit or once a stop has begun.
   */
  reportActivity(): void {
    this.#run?.reportActivity();
  }

  /**
   * Stops the run as an abort of the `signal` option would: the outcome is `aborted` (unless a
   * reason was latched first or ffmpeg already exited) and the error's `cause` is `reason`.
   * Before `run()`, the run then rejects without spawning. Later calls do nothing.
   */
  stop(reason?: unknown): void {
    this.#stopController.abort(reason);
  }

  #deliver<Name extends SupervisorEventName>(event: Name, ...args: Parameters<FfmpegSupervisorEvents[Name]>): void {
    deliverEvent(this as unknown as EventEmitter, event, args, this.options.onListenerError);
  }
}

/** `ffprobe` for `/usr/bin/ffprobe`, `ffmpeg` for anything that does not say otherwise. */
function programName(binaryPath: string): string {
  return /ffprobe/i.test(basename(binaryPath)) ? 'ffprobe' : 'ffmpeg';
}
