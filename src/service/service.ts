import { TypedEmitter } from 'tiny-typed-emitter';
import { onAbort } from '../supervisor/abort-fanout.js';
import { type FfmpegError, type FfmpegOutcome, FfmpegSupervisor } from '../supervisor/index.js';
import { AttemptHealth } from './attempt-health.js';
import { backoffDelayMs } from './backoff.js';
import { emitIsolated } from './emit-isolated.js';
import { argsForAttempt, type FfmpegServiceOptions, type ResolvedServiceOptions, resolveServiceOptions } from './options.js';
import { isRestartAllowed, restartsInWindow } from './restart-budget.js';
import { restartReasonFor } from './restart-policy.js';
import {
  type DownReason,
  type FfmpegServiceEvents,
  SERVICE_ATTEMPT_HISTORY,
  type ServiceAttempt,
  type ServiceOutcome,
  type ServiceState,
} from './types.js';

type OutcomeFields<T> = T extends ServiceOutcome ? Omit<T, 'attempts' | 'restarts' | 'recentAttempts' | 'lastAttempt' | 'durationMs'> : never;

/**
 * Keeps one ffmpeg running for as long as the host wants: each start is a normal supervised run
 * (`FfmpegSupervisor`: watchdog, stepwise stop, outcome); a stall, a failure or (if selected) an
 * end of input restarts it after an exponential backoff with jitter, within a restart budget.
 * `stop()` and the host's signal stop the running ffmpeg with one SIGTERM (ffmpeg finishes its
 * output: the MP4 trailer, `#EXT-X-ENDLIST`), then SIGKILL after `killGraceMs`; nothing restarts
 * after a stop, and a stop during a backoff delay ends at once.
 */
export class FfmpegService extends TypedEmitter<FfmpegServiceEvents> {
  readonly options: ResolvedServiceOptions;
  #runPromise: Promise<ServiceOutcome> | undefined;
  #state: ServiceState = 'idle';
  #stopRequested = false;
  #stopCause: unknown;
  #attempt = 0;
  #supervisor: FfmpegSupervisor | undefined;
  #attemptController: AbortController | undefined;
  /** Who stopped the running attempt, if the service did. */
  #stoppedBy: 'host' | 'slow' | undefined;
  #cancelDelay: (() => void) | undefined;
  #up = false;
  /** The next restart waits `backoff` step this many (0 after a healthy attempt). */
  #backoffStep = 0;
  /** Clock times of the restarts still inside the budget's window. */
  #restartTimesMs: number[] = [];
  readonly #history: ServiceAttempt[] = [];

  constructor(options: FfmpegServiceOptions) {
    super();
    this.options = resolveServiceOptions(options);
  }

  /** `idle` before `run()`, `running` while an ffmpeg runs, `backoff` while waiting to restart, `stopping`, `ended`. */
  get state(): ServiceState {
    return this.#state;
  }

  /** The number of the current (or last) attempt; 0 before the first start. */
  get attempt(): number {
    return this.#attempt;
  }

  /** Whether the running attempt is making forward progress (for a gauge). */
  get isUp(): boolean {
    return this.#up;
  }

  /** The running attempt's supervisor (its `pid`, and `stdout` with `stdout: 'pipe'`), if one runs. */
  get supervisor(): FfmpegSupervisor | undefined {
    return this.#supervisor;
  }

  /**
   * Starts the service and resolves with its outcome when it ended: `stopped`, `gave_up` or
   * `finished`. It does not reject for any ffmpeg outcome; it rejects only when the `args`
   * function or the `random` source throws or returns a bad value. Calling it again returns
   * the same promise.
   */
  run(): Promise<ServiceOutcome> {
    this.#runPromise ??= this.#serve();
    return this.#runPromise;
  }

  /**
   * Stops the service: one SIGTERM to the running ffmpeg (it finishes its output), SIGKILL after
   * `killGraceMs`, no restart; a pending restart is cancelled at once. Resolves with the outcome
   * (`stopped`, unless the service had already ended). Before `run()`, nothing is ever started.
   */
  stop(reason?: unknown): Promise<ServiceOutcome> {
    this.#requestStop(reason);
    return this.run();
  }

  async #serve(): Promise<ServiceOutcome> {
    const { signal, clock } = this.options;
    const startedAtMs = clock.now();
    if (signal?.aborted) this.#requestStop(signal.reason);
    const unsubscribe = signal ? onAbort(signal, () => this.#requestStop(signal.reason)) : undefined;
    try {
      const fields = await this.#loop();
      const history = [...this.#history];
      const outcome = {
        ...fields,
        attempts: this.#attempt,
        restarts: Math.max(0, this.#attempt - 1),
        recentAttempts: history,
        lastAttempt: history.at(-1),
        durationMs: clock.now() - startedAtMs,
      } as ServiceOutcome;
      this.#state = 'ended';
      if (outcome.reason === 'gave_up') emitIsolated(this, 'giveUp', outcome);
      emitIsolated(this, 'end', outcome);
      return outcome;
    } catch (error) {
      this.#state = 'ended';
      throw error;
    } finally {
      unsubscribe?.();
    }
  }

  async #loop(): Promise<OutcomeFields<ServiceOutcome>> {
    const { clock, restartOn, maxRestarts, backoff } = this.options;
    for (;;) {
      if (this.#stopRequested) return { reason: 'stopped', cause: this.#stopCause };
      const attempt = await this.#runAttempt(this.#attempt + 1);
      if (attempt.endReason === 'stopped' || this.#stopRequested) return { reason: 'stopped', cause: this.#stopCause };
      const reason = attempt.endReason;
      if (!restartOn.has(reason)) return { reason: 'finished', lastReason: reason };
      const nowMs = clock.now();
      if (!isRestartAllowed(this.#restartTimesMs, nowMs, maxRestarts)) return { reason: 'gave_up', budget: maxRestarts, lastReason: reason };
      const delayMs = backoffDelayMs(backoff, this.#backoffStep, this.options.random());
      this.#backoffStep = Math.min(this.#backoffStep + 1, 1_000); // factor^1000 is already past any cap
      this.#restartTimesMs = [...restartsInWindow(this.#restartTimesMs, nowMs, maxRestarts), nowMs].slice(-10_000);
      this.#state = 'backoff';
      emitIsolated(this, 'restart', { attempt: this.#attempt + 1, reason, delayMs, restartsInWindow: this.#restartTimesMs.length });
      await this.#delay(delayMs);
    }
  }

  async #runAttempt(attempt: number): Promise<ServiceAttempt> {
    const { clock } = this.options;
    this.#attempt = attempt;
    const args = argsForAttempt(this.options.args, { attempt, previous: this.#history.at(-1) });
    const controller = new AbortController();
    const supervisor = new FfmpegSupervisor({ ...this.options.supervisor, args, signal: controller.signal });
    const health = new AttemptHealth(this.options);
    this.#attemptController = controller;
    this.#supervisor = supervisor;
    this.#stoppedBy = undefined;
    this.#state = 'running';
    this.#wire(supervisor, attempt, health, controller);
    const startedAtMs = clock.now();
    emitIsolated(this, 'start', { attempt, args });
    // A stop requested by a `start` listener aborts the controller: the supervisor spawns nothing.
    if (this.#stopRequested) controller.abort(this.#stopCause);
    let outcome: FfmpegOutcome;
    try {
      outcome = await supervisor.run();
    } catch (error) {
      const failed = (error as FfmpegError).outcome;
      if (failed === undefined) throw error;
      outcome = failed;
    }
    this.#attemptController = undefined;
    this.#supervisor = undefined;
    const record: ServiceAttempt = {
      attempt,
      args,
      startedAtMs,
      durationMs: clock.now() - startedAtMs,
      outcome,
      endReason: restartReasonFor(outcome.reason, this.#stoppedBy) ?? 'stopped',
      wasUp: health.isUp,
      wasHealthy: health.isHealthy,
    };
    this.#history.push(record);
    if (this.#history.length > SERVICE_ATTEMPT_HISTORY) this.#history.shift();
    return record;
  }

  #wire(supervisor: FfmpegSupervisor, attempt: number, health: AttemptHealth, controller: AbortController): void {
    const { clock, minSpeed } = this.options;
    supervisor.on('spawn', ({ pid, args }) => emitIsolated(this, 'spawn', { attempt, pid, args }));
    supervisor.on('stderr', (line) => emitIsolated(this, 'stderr', line, attempt));
    supervisor.on('progress', (progress) => {
      emitIsolated(this, 'progress', { ...progress, attempt });
      const change = health.observe(progress, clock.now());
      if (change.cameUp) this.#setUp(attempt);
      if (change.becameHealthy) this.#backoffStep = 0;
      if (change.fellBehind && minSpeed !== undefined && this.#stoppedBy === undefined) {
        this.#stoppedBy = 'slow';
        emitIsolated(this, 'slow', { attempt, speed: progress.speed, belowForMs: change.belowForMs, minSpeed });
        this.#setDown(attempt, 'slow');
        controller.abort(new Error(`ffmpeg fell behind real time: speed below ${minSpeed} for ${change.belowForMs} ms`));
      }
    });
    supervisor.on('stall', (stall) => {
      emitIsolated(this, 'stall', { ...stall, attempt });
      this.#setDown(attempt, 'stalled');
    });
    supervisor.on('exit', (outcome) => {
      this.#setDown(attempt, outcome.reason);
      emitIsolated(this, 'exit', { ...outcome, attempt });
    });
  }

  #requestStop(cause: unknown): void {
    if (this.#stopRequested || this.#state === 'ended') return;
    this.#stopRequested = true;
    this.#stopCause = cause;
    if (this.#attemptController) {
      this.#state = 'stopping';
      this.#stoppedBy = 'host';
      this.#attemptController.abort(cause);
    }
    this.#cancelDelay?.();
  }

  /** Waits `delayMs` on the clock; a stop ends the wait at once. */
  #delay(delayMs: number): Promise<void> {
    const { clock } = this.options;
    return new Promise((resolve) => {
      if (this.#stopRequested) {
        resolve();
        return;
      }
      const handle = clock.setTimeout(() => {
        this.#cancelDelay = undefined;
        resolve();
      }, delayMs);
      this.#cancelDelay = () => {
        clock.clearTimeout(handle);
        this.#cancelDelay = undefined;
        resolve();
      };
    });
  }

  #setUp(attempt: number): void {
    if (this.#up) return;
    this.#up = true;
    emitIsolated(this, 'up', { attempt });
  }

  #setDown(attempt: number, reason: DownReason): void {
    if (!this.#up) return;
    this.#up = false;
    emitIsolated(this, 'down', { attempt, reason });
  }
}
