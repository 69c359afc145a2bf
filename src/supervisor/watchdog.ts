import type { TimerClock } from './clock.js';

export type StallPhase = 'startup' | 'running';

export interface WatchdogOptions {
  readonly clock: TimerClock;
  readonly stallTimeoutMs: number;
  readonly startupGraceMs: number;
  /** Called once, when no forward progress came in time. */
  readonly onStall: (stall: { readonly stalledForMs: number; readonly phase: StallPhase }) => void;
}

/**
 * Calls a stall when nothing moved forward: before the first forward progress, once
 * `startupGraceMs + stallTimeoutMs` have passed since start; after it, once `stallTimeoutMs`
 * have passed since the last forward progress.
 *
 * One timer, set for the current deadline. When it fires it re-reads the deadline (progress may
 * have moved it) and, if it has passed, waits one more zero-delay turn of the clock before
 * deciding: on a real event loop that lets the poll phase deliver progress that was already
 * buffered while the loop was blocked, so a busy host does not cause a false stall.
 */
export class Watchdog {
  readonly #options: WatchdogOptions;
  #startedAt = 0;
  #lastForwardAt: number | undefined;
  #timer: unknown;
  #active = false;

  constructor(options: WatchdogOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#active) return;
    this.#active = true;
    this.#startedAt = this.#options.clock.now();
    this.#schedule(this.deadline - this.#startedAt);
  }

  /**
   * Records forward progress now. Later progress only moves the deadline later, so the timer is
   * left alone (it re-reads the deadline when it fires); the first progress ends the startup
   * grace and can move the deadline earlier, so the timer is re-armed then.
   */
  touch(): void {
    const isFirst = this.#lastForwardAt === undefined;
    this.#lastForwardAt = this.#options.clock.now();
    if (isFirst && this.#active && this.#timer !== undefined) {
      this.#options.clock.clearTimeout(this.#timer);
      this.#schedule(this.deadline - this.#lastForwardAt);
    }
  }

  stop(): void {
    this.#active = false;
    if (this.#timer !== undefined) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  get phase(): StallPhase {
    return this.#lastForwardAt === undefined ? 'startup' : 'running';
  }

  /** When a stall is due, on the clock's time line. */
  get deadline(): number {
    const { stallTimeoutMs, startupGraceMs } = this.#options;
    return this.#lastForwardAt === undefined
      ? this.#startedAt + startupGraceMs + stallTimeoutMs
      : this.#lastForwardAt + stallTimeoutMs;
  }

  #schedule(delayMs: number): void {
    this.#timer = this.#options.clock.setTimeout(() => this.#onTimer(), Math.max(0, Math.ceil(delayMs)));
  }

  #onTimer(): void {
    this.#timer = undefined;
    if (!this.#active) return;
    const remainingMs = this.deadline - this.#options.clock.now();
    if (remainingMs > 0) {
      this.#schedule(remainingMs);
      return;
    }
    // Drain: give buffered input one turn of the loop before deciding.
    this.#timer = this.#options.clock.setTimeout(() => this.#decide(), 0);
  }

  #decide(): void {
    this.#timer = undefined;
    if (!this.#active) return;
    const now = this.#options.clock.now();
    if (now < this.deadline) {
      this.#schedule(this.deadline - now);
      return;
    }
    this.#active = false;
    const since = this.#lastForwardAt ?? this.#startedAt;
    this.#options.onStall({ stalledForMs: now - since, phase: this.phase });
  }
}
