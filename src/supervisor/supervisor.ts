import { type ChildProcess, spawn as nodeSpawn, type StdioOptions } from 'node:child_process';
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import { TypedEmitter } from 'tiny-typed-emitter';
import type { FfmpegError } from './errors.js';
import { ForwardProgressTracker } from './forward-progress.js';
import { createLineSplitter } from './line-splitter.js';
import { onAbort } from './abort-fanout.js';
import { registerLiveRun } from './host-exit.js';
import { type FfmpegSupervisorOptions, type ResolvedSupervisorOptions, resolveSupervisorOptions } from './options.js';
import { errorForOutcome, type FfmpegOutcome, type OutcomeReason, type StopReason } from './outcome.js';
import { type FfmpegProgress, ProgressParser } from './progress-parser.js';
import { resolveFfmpegPath } from './resolve-path.js';
import { buildSpawnCommand } from './spawn-args.js';
import { spawnEnvFor } from './static-build-env.js';
import { StderrTail } from './stderr-tail.js';
import { Terminator } from './terminate.js';
import { type StallPhase, Watchdog } from './watchdog.js';

/** The `stall` event's payload. */
export interface FfmpegStall {
  /** Time since the last forward progress (or since spawn, in the startup phase). */
  readonly stalledForMs: number;
  readonly lastOutTimeUs: number | undefined;
  readonly phase: StallPhase;
  readonly lastProgress: FfmpegProgress | undefined;
  readonly pid: number | undefined;
  readonly stallTimeoutMs: number;
}

export interface FfmpegSupervisorEvents {
  /** ffmpeg started. */
  spawn: (info: { readonly pid: number | undefined; readonly args: readonly string[] }) => void;
  /** Each complete `-progress` block, frozen ones included. */
  progress: (progress: FfmpegProgress) => void;
  /** Each stderr line (split on `\n`, `\r\n` and `\r`). */
  stderr: (line: string) => void;
  /** Once, when the watchdog calls a stall (before the stop signals are sent). */
  stall: (stall: FfmpegStall) => void;
  /** Once, always, on every path. */
  exit: (outcome: FfmpegOutcome) => void;
}

/**
 * Runs one ffmpeg process and keeps it honest: progress on its own pipe, a forward-progress
 * watchdog on an injected clock, a stepwise stop (SIGTERM, then SIGKILL to the process group),
 * and exactly one typed outcome.
 */
export class FfmpegSupervisor extends TypedEmitter<FfmpegSupervisorEvents> {
  readonly options: ResolvedSupervisorOptions;
  readonly #ffmpegPath: string;
  #runPromise: Promise<FfmpegOutcome> | undefined;
  #run: SupervisedRun | undefined;
  #child: ChildProcess | undefined;
  #outcome: FfmpegOutcome | undefined;

  constructor(options: FfmpegSupervisorOptions) {
    super();
    this.options = resolveSupervisorOptions(options);
    // With an injected spawn (the test kit's fake) no binary is needed: the name is only a label.
    this.#ffmpegPath =
      this.options.spawn && !this.options.ffmpegPath ? 'ffmpeg' : resolveFfmpegPath(this.options.ffmpegPath);
  }

  get ffmpegPath(): string {
    return this.#ffmpegPath;
  }

  /** The child's pid once spawned. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** With `stdout: 'pipe'`: ffmpeg's stdout, for the host to consume. */
  get stdout(): Readable | null {
    return this.options.stdout === 'pipe' ? (this.#child?.stdout ?? null) : null;
  }

  /** With `stdin: 'pipe'`: ffmpeg's stdin (EPIPE after exit is swallowed). */
  get stdin(): NodeJS.WritableStream | null {
    return this.#child?.stdin ?? null;
  }

  /** The outcome once settled. */
  get outcome(): FfmpegOutcome | undefined {
    return this.#outcome;
  }

  /**
   * Starts ffmpeg and resolves with the outcome when it completed; rejects with an
   * `FfmpegError` (carrying `outcome`) on every other path. Calling it again returns the same promise.
   */
  run(): Promise<FfmpegOutcome> {
    this.#runPromise ??= this.#execute();
    return this.#runPromise;
  }

  /**
   * Counts as forward progress now, for work ffmpeg does not report: the `+faststart` pass
   * rewrites the whole MP4 after its last progress block (the remux ladder calls this while the
   * output file keeps changing). No effect before spawn, after exit or once a stop has begun.
   */
  reportActivity(): void {
    this.#run?.reportActivity();
  }

  #execute(): Promise<FfmpegOutcome> {
    return new Promise((resolve, reject) => {
      const settle = (outcome: FfmpegOutcome, cause?: unknown): void => {
        this.#outcome = outcome;
        const error: FfmpegError | undefined = errorForOutcome(outcome, cause, programName(this.#ffmpegPath));
        // Settle first: a throwing 'exit' listener must not leave run() pending. Awaiters still
        // resume after the 'exit' listeners, since promise reactions run later.
        if (error) reject(error);
        else resolve(outcome);
        this.emit('exit', outcome);
      };
      this.#run = new SupervisedRun(this, this.#ffmpegPath, settle, (child) => {
        this.#child = child;
      });
      this.#run.start();
    });
  }
}

/** The state of one run; lives from `run()` to settlement. */
class SupervisedRun {
  readonly #options: ResolvedSupervisorOptions;
  readonly #emitter: FfmpegSupervisor;
  readonly #ffmpegPath: string;
  readonly #settle: (outcome: FfmpegOutcome, cause?: unknown) => void;
  readonly #onChild: (child: ChildProcess) => void;
  /** One teardown: every listener and timer of the run hangs on this. */
  readonly #teardown = new AbortController();
  readonly #parser: ProgressParser;
  readonly #tracker = new ForwardProgressTracker();
  readonly #stderrTail: StderrTail;
  #startedAt = 0;
  #args: readonly string[] = [];
  #child: ChildProcess | undefined;
  #terminator: Terminator | undefined;
  #watchdog: Watchdog | undefined;
  #timeoutTimer: unknown;
  #drainTimer: unknown;
  #latchedReason: StopReason | undefined;
  #abortCause: unknown;
  #lastProgress: FfmpegProgress | undefined;
  #progressEnded = false;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #settled = false;
  #unregisterLiveRun: (() => void) | undefined;

  constructor(
    emitter: FfmpegSupervisor,
    ffmpegPath: string,
    settle: (outcome: FfmpegOutcome, cause?: unknown) => void,
    onChild: (child: ChildProcess) => void,
  ) {
    this.#emitter = emitter;
    this.#options = emitter.options;
    this.#ffmpegPath = ffmpegPath;
    this.#settle = settle;
    this.#onChild = onChild;
    this.#parser = new ProgressParser(this.#options.expectedDurationUs);
    this.#stderrTail = new StderrTail(this.#options.stderrTailBytes);
  }

  start(): void {
    const { clock, signal } = this.#options;
    this.#startedAt = clock.now();
    const command = buildSpawnCommand(this.#ffmpegPath, this.#options.args, this.#options);
    this.#args = command.ffmpegArgs;

    // An already-aborted signal must not spawn anything (Node's spawn({signal}) would).
    if (signal?.aborted) {
      this.#latchedReason = 'aborted';
      this.#abortCause = signal.reason;
      this.#finish();
      return;
    }

    let child: ChildProcess;
    try {
      child = (this.#options.spawn ?? nodeSpawn)(command.file, command.args, {
        stdio: this.#stdio(),
        detached: this.#options.spawn === undefined,
        cwd: this.#options.cwd,
        env: spawnEnvFor(this.#ffmpegPath, this.#options.env),
        windowsHide: true,
      });
    } catch (error) {
      // Synchronous spawn errors (bad argument types, EINVAL) are spawn failures too.
      this.#finishSpawnFailed(error);
      return;
    }
    this.#child = child;
    this.#onChild(child);

    // 'error' before spawn is a spawn failure; later ones (a failed kill) must not crash the host.
    child.on('error', (error) => {
      if (child.pid === undefined && !this.#settled) this.#finishSpawnFailed(error);
    });
    if (child.pid === undefined) return; // 'error' follows on the next tick.

    this.#terminator = new Terminator({
      child,
      clock,
      killGraceMs: this.#options.killGraceMs,
      useProcessGroup: this.#options.spawn === undefined,
    });
    if (this.#options.killOnHostExit) this.#unregisterLiveRun = registerLiveRun(this.#terminator);
    child.once('exit', (code, exitSignal) => this.#onExit(code, exitSignal));
    child.once('close', () => this.#finish());
    this.#wirePipes(child);
    this.#startTimers();
    this.#emitter.emit('spawn', { pid: child.pid, args: this.#args });
  }

  #stdio(): StdioOptions {
    const stdin = this.#options.stdin === 'pipe' ? 'pipe' : 'ignore';
    return this.#usesFd3 ? [stdin, 'pipe', 'pipe', 'pipe'] : [stdin, 'pipe', 'pipe'];
  }

  get #usesFd3(): boolean {
    return this.#options.watchProgress && this.#options.progressFd === 3;
  }

  #wirePipes(child: ChildProcess): void {
    const progressStream = this.#options.watchProgress ? (child.stdio[this.#options.progressFd] as Readable | null) : null;
    progressStream
      ?.pipe(createLineSplitter())
      .on('data', (line: string) => this.#onProgressLine(line))
      .on('error', () => {});
    if (progressStream !== child.stdout && this.#options.stdout === 'drain') child.stdout?.resume();
    child.stderr?.on('data', (chunk: Buffer) => this.#stderrTail.push(chunk));
    child.stderr
      ?.pipe(createLineSplitter())
      .on('data', (line: string) => {
        if (line.length > 0) this.#emitter.emit('stderr', line);
      })
      .on('error', () => {});
    // A write to the stdin of a process that exited raises EPIPE: never an uncaught exception.
    child.stdin?.on('error', () => {});
    for (const stream of child.stdio) stream?.on('error', () => {});
  }

  #startTimers(): void {
    const { clock, stallTimeoutMs, startupGraceMs, timeoutMs, signal } = this.#options;
    this.#watchdog = new Watchdog({
      clock,
      stallTimeoutMs,
      startupGraceMs,
      onStall: ({ stalledForMs, phase }) => {
        if (this.#exit || this.#latchedReason) return;
        this.#emitter.emit('stall', {
          stalledForMs,
          phase,
          lastOutTimeUs: this.#tracker.lastOutTimeUs,
          lastProgress: this.#lastProgress,
          pid: this.#child?.pid,
          stallTimeoutMs,
        });
        this.#stop('stalled');
      },
    });
    if (this.#options.watchProgress) this.#watchdog.start();
    if (timeoutMs !== undefined) {
      this.#timeoutTimer = clock.setTimeout(() => {
        this.#timeoutTimer = undefined;
        this.#stop('timeout');
      }, timeoutMs);
    }
    if (signal) {
      const unsubscribe = onAbort(signal, () => {
        this.#abortCause = signal.reason;
        this.#stop('aborted');
      });
      this.#teardown.signal.addEventListener('abort', unsubscribe, { once: true });
    }
  }

  reportActivity(): void {
    if (!this.#exit && !this.#latchedReason && !this.#settled) this.#watchdog?.touch();
  }

  #onProgressLine(line: string): void {
    const block = this.#parser.pushLine(line);
    if (!block) return;
    this.#lastProgress = block;
    if (block.done) this.#progressEnded = true;
    if (this.#tracker.observe(block)) this.#watchdog?.touch();
    this.#emitter.emit('progress', block);
  }

  /** Latches the first reason, then starts the one stop sequence. Never after exit. */
  #stop(reason: StopReason): void {
    if (this.#exit || this.#latchedReason || this.#settled) return;
    this.#latchedReason = reason;
    this.#watchdog?.stop();
    this.#terminator?.stop();
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#exit = { code, signal };
    this.#terminator?.markExited();
    this.#unregisterLiveRun?.();
    this.#clearRunTimers();
    // A grandchild may still hold the pipes: wait a bounded time for 'close', then cut them.
    // During a stop, the survivors of the group get the rest of their grace first.
    const drainMs = Math.max(this.#options.pipeDrainMs, this.#terminator?.msUntilKill ?? 0);
    this.#drainTimer = this.#options.clock.setTimeout(() => {
      this.#drainTimer = undefined;
      this.#terminator?.sweep();
      for (const stream of this.#child?.stdio ?? []) stream?.destroy();
      this.#finish();
    }, drainMs);
  }

  #clearRunTimers(): void {
    const { clock } = this.#options;
    this.#watchdog?.stop();
    if (this.#timeoutTimer !== undefined) clock.clearTimeout(this.#timeoutTimer);
    this.#timeoutTimer = undefined;
  }

  #finishSpawnFailed(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#teardownRun();
    this.#settle(this.#buildOutcome('spawn_failed'), error);
  }

  #finish(): void {
    if (this.#settled) return;
    if (this.#child && !this.#exit) return; // 'close' without 'exit' cannot happen; stay safe.
    this.#settled = true;
    this.#teardownRun();
    this.#settle(this.#buildOutcome(this.#reason()), this.#latchedReason === 'aborted' ? this.#abortCause : undefined);
  }

  #teardownRun(): void {
    this.#terminator?.sweep();
    this.#terminator?.dispose();
    this.#teardown.abort();
    this.#clearRunTimers();
    if (this.#drainTimer !== undefined) this.#options.clock.clearTimeout(this.#drainTimer);
    this.#drainTimer = undefined;
    this.#unregisterLiveRun?.();
  }

  #reason(): OutcomeReason {
    if (this.#latchedReason) return this.#latchedReason;
    return this.#exit?.code === 0 && this.#exit.signal === null ? 'completed' : 'failed';
  }

  #buildOutcome(reason: OutcomeReason): FfmpegOutcome {
    return {
      reason,
      exitCode: this.#exit?.code ?? null,
      signal: this.#exit?.signal ?? null,
      durationMs: this.#options.clock.now() - this.#startedAt,
      forcedKill: this.#terminator?.forcedKill ?? false,
      stderrTail: this.#stderrTail.text(),
      stderrTruncated: this.#stderrTail.truncated,
      lastProgress: this.#lastProgress,
      progressEnded: this.#progressEnded,
      pid: this.#child?.pid,
      args: this.#args,
    };
  }
}

/** `ffprobe` for `/usr/bin/ffprobe`, `ffmpeg` for anything that does not say otherwise. */
function programName(binaryPath: string): string {
  return /ffprobe/i.test(basename(binaryPath)) ? 'ffprobe' : 'ffmpeg';
}
