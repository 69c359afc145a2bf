import { type ChildProcess, spawn as nodeSpawn } from 'node:child_process';
import { onAbort } from './abort-fanout.js';
import { ForwardProgressTracker } from './forward-progress.js';
import { registerLiveRun } from './host-exit.js';
import type { ResolvedSupervisorOptions } from './options.js';
import type { FfmpegOutcome, OutcomeReason, StopReason } from './outcome-types.js';
import { type FfmpegProgress, ProgressParser } from './progress-parser.js';
import { canEnterPhase, type RunPhase } from './run-phase.js';
import { RunPipes, stdioFor } from './run-pipes.js';
import { buildSpawnCommand } from './spawn-args.js';
import { spawnEnvFor } from './static-build-env.js';
import { StderrTail } from './stderr-tail.js';
import { Teardown } from './teardown.js';
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

/** What a run reports to its supervisor. Events are delivered after the step that caused them. */
export interface RunReports {
  spawn(info: { readonly pid: number | undefined; readonly args: readonly string[] }): void;
  progress(progress: FfmpegProgress): void;
  stderr(line: string): void;
  stall(stall: FfmpegStall): void;
  child(child: ChildProcess): void;
  /** Once: the outcome is decided and the run torn down. `cause` is the abort reason or spawn error. */
  settled(outcome: FfmpegOutcome, cause: unknown): void;
}

/**
 * One run, from `run()` to its outcome, as explicit phases (see `RunPhase`). `#enter()` is the
 * one place that moves between phases and refuses every other move, so a late or repeated
 * trigger (a second stop reason, an abort after exit, a timer that was already due) is ignored
 * there. The stop reason is latched before any event about it is reported.
 */
export class SupervisedRun {
  readonly #options: ResolvedSupervisorOptions;
  readonly #ffmpegPath: string;
  readonly #stopSignals: readonly AbortSignal[];
  readonly #reports: RunReports;
  readonly #teardown: Teardown;
  readonly #parser: ProgressParser;
  readonly #tracker = new ForwardProgressTracker();
  readonly #stderrTail: StderrTail;
  #phase: RunPhase = 'starting';
  #startedAt = 0;
  #args: readonly string[] = [];
  #child: ChildProcess | undefined;
  /** The pipes the supervisor reads (never the host's): the run drains them before settling. */
  #pipes: RunPipes | undefined;
  #terminator: Terminator | undefined;
  #latchedReason: StopReason | undefined;
  #cause: unknown;
  #lastProgress: FfmpegProgress | undefined;
  #progressEnded = false;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  #unreaped = false;
  #unregisterLiveRun: () => void = () => {};
  /** Tells the watchdog of forward progress (a no-op without one). */
  #watchdogTouch: () => void = () => {};

  constructor(options: ResolvedSupervisorOptions, ffmpegPath: string, stopSignals: readonly AbortSignal[], reports: RunReports) {
    this.#options = options;
    this.#ffmpegPath = ffmpegPath;
    this.#stopSignals = stopSignals;
    this.#reports = reports;
    this.#teardown = new Teardown(options.clock);
    this.#parser = new ProgressParser(options.expectedDurationUs);
    this.#stderrTail = new StderrTail(options.stderrTailBytes);
  }

  get phase(): RunPhase {
    return this.#phase;
  }

  start(): void {
    const options = this.#options;
    this.#startedAt = options.clock.now();
    const command = buildSpawnCommand(this.#ffmpegPath, options.args, options);
    this.#args = command.ffmpegArgs;

    // An already-aborted signal must not spawn anything (Node's spawn({signal}) would).
    const aborted = this.#stopSignals.find((signal) => signal.aborted);
    if (aborted) {
      this.#latchedReason = 'aborted';
      this.#cause = aborted.reason;
      this.#settle();
      return;
    }

    let child: ChildProcess;
    try {
      child = (options.spawn ?? nodeSpawn)(command.file, command.args, {
        stdio: stdioFor(options),
        detached: options.processGroup,
        cwd: options.cwd,
        env: spawnEnvFor(this.#ffmpegPath, options.env),
        windowsHide: true,
      });
    } catch (error) {
      // Synchronous spawn errors (bad argument types, EINVAL) are spawn failures too.
      this.#settleSpawnFailed(error);
      return;
    }
    this.#child = child;
    this.#reports.child(child);
    // 'error' before spawn is a spawn failure; later ones (a failed kill) must not crash the host.
    child.on('error', (error) => {
      if (child.pid === undefined) this.#settleSpawnFailed(error);
    });
    if (child.pid === undefined) return; // 'error' follows on the next tick.
    this.#enter('running');

    this.#terminator = new Terminator({
      child,
      clock: options.clock,
      killGraceMs: options.killGraceMs,
      useProcessGroup: options.processGroup,
      onKillSent: () => this.#armReapBound(),
    });
    if (options.killOnHostExit) {
      this.#unregisterLiveRun = registerLiveRun(this.#terminator, options.processGroup ? -child.pid : child.pid);
    }
    // Not on the teardown: after an unreaped settlement the exit still unregisters the process.
    child.once('exit', (code, signal) => this.#onExit(code, signal));
    this.#pipes = new RunPipes(child, {
      watchProgress: options.watchProgress,
      progressFd: options.progressFd,
      stdout: options.stdout,
      onProgressChunk: (chunk) => this.#onProgressBlocks(this.#parser.pushChunk(chunk)),
      onProgressEnd: () => this.#onProgressBlocks(this.#parser.end()),
      onStderrChunk: (chunk) => this.#stderrTail.push(chunk),
      onStderrLine: (line) => this.#reports.stderr(line),
      onAllClosed: () => {
        if (this.#phase === 'draining') this.#settle();
      },
    });
    this.#armStopTriggers();
    this.#reports.spawn({ pid: child.pid, args: this.#args });
  }

  /** The one transition function: moves to `to` when the phase table allows it. */
  #enter(to: RunPhase): boolean {
    if (!canEnterPhase(this.#phase, to)) return false;
    this.#phase = to;
    return true;
  }

  #armStopTriggers(): void {
    const { clock, stallTimeoutMs, startupGraceMs, timeoutMs, watchProgress } = this.#options;
    if (watchProgress) {
      const watchdog = new Watchdog({
        clock,
        stallTimeoutMs,
        startupGraceMs,
        onStall: ({ stalledForMs, phase }) =>
          this.#stop('stalled', undefined, {
            stalledForMs,
            phase,
            lastOutTimeUs: this.#tracker.lastOutTimeUs,
            lastProgress: this.#lastProgress,
            pid: this.#child?.pid,
            stallTimeoutMs,
          }),
      });
      watchdog.start();
      this.#watchdogTouch = () => watchdog.touch();
      this.#teardown.defer(() => watchdog.stop());
    }
    if (timeoutMs !== undefined) this.#teardown.setTimer(() => this.#stop('timeout'), timeoutMs);
    for (const signal of this.#stopSignals) {
      this.#teardown.defer(onAbort(signal, () => this.#stop('aborted', signal.reason)));
    }
  }

  /** Work ffmpeg does not report counts as forward progress; only while running. */
  reportActivity(): void {
    if (this.#phase === 'running') this.#watchdogTouch();
  }

  #onProgressBlocks(blocks: readonly FfmpegProgress[]): void {
    for (const block of blocks) {
      this.#lastProgress = block;
      if (block.done) this.#progressEnded = true;
      if (this.#tracker.observe(block)) this.#watchdogTouch();
      this.#reports.progress(block);
    }
  }

  /**
   * Latches the first reason and starts the one stop sequence; only while running (never after
   * exit). The `stall` report comes after the latch and the SIGTERM: whatever its listeners do,
   * the reason stays and the stop goes on.
   */
  #stop(reason: StopReason, cause?: unknown, stall?: FfmpegStall): void {
    if (!this.#enter('stopping')) return;
    this.#latchedReason = reason;
    this.#cause = cause;
    this.#terminator?.stop();
    if (stall) this.#reports.stall(stall);
  }

  /** After SIGKILL: a process still not reaped `reapTimeoutMs` later settles the run anyway. */
  #armReapBound(): void {
    if (this.#phase !== 'stopping') return;
    this.#teardown.setTimer(() => {
      if (this.#phase !== 'stopping') return;
      this.#unreaped = true;
      // Its pipes stay open while it is frozen: close our ends. The host's streams stay the host's.
      this.#pipes?.destroy();
      this.#child?.unref?.();
      this.#settle();
    }, this.#options.reapTimeoutMs);
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.#exit = this.#exit ?? { code, signal };
    this.#terminator?.markExited();
    if (this.#phase === 'settled') {
      // Reaped at last after an unreaped settlement: nothing left for the host-exit hook.
      this.#unregisterLiveRun();
      return;
    }
    if (!this.#enter('draining')) return;
    this.#unregisterLiveRun();
    if (this.#pipes?.allClosed !== false) {
      this.#settle();
      return;
    }
    // A grandchild may still hold the pipes: wait a bounded time for them to close, then cut
    // ours. During a stop, the survivors of the group get the rest of their grace first.
    const drainMs = Math.max(this.#options.pipeDrainMs, this.#terminator?.msUntilKill ?? 0);
    this.#teardown.setTimer(() => {
      this.#terminator?.sweep();
      this.#pipes?.destroy();
      this.#settle();
    }, drainMs);
  }

  #settleSpawnFailed(error: unknown): void {
    if (this.#phase !== 'starting') return;
    this.#cause = error;
    this.#settle('spawn_failed');
  }

  #settle(reason: OutcomeReason = this.#reason()): void {
    if (!this.#enter('settled')) return;
    this.#terminator?.sweep();
    this.#terminator?.dispose();
    this.#teardown.run();
    // An unreaped process stays registered: the host-exit hook kills it again at host exit.
    if (!this.#unreaped) this.#unregisterLiveRun();
    const cause = reason === 'aborted' || reason === 'spawn_failed' ? this.#cause : undefined;
    this.#reports.settled(this.#buildOutcome(reason), cause);
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
      unreaped: this.#unreaped,
      stderrTail: this.#stderrTail.text(),
      stderrTruncated: this.#stderrTail.truncated,
      lastProgress: this.#lastProgress,
      progressEnded: this.#progressEnded,
      pid: this.#child?.pid,
      args: this.#args,
    };
  }
}
