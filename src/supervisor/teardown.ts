import type { TimerClock } from './clock.js';

/**
 * One run's teardown: every timer and listener the run sets is registered here when it is set,
 * and `run()` removes them all at once, so settling is one call and nothing outlives the run.
 */
export class Teardown {
  readonly #clock: TimerClock;
  readonly #cleanups = new Set<() => void>();
  #done = false;

  constructor(clock: TimerClock) {
    this.#clock = clock;
  }

  get done(): boolean {
    return this.#done;
  }

  /** Runs `cleanup` at teardown (at once when it already happened). Returns a function that runs it early. */
  defer(cleanup: () => void): () => void {
    if (this.#done) {
      cleanup();
      return () => {};
    }
    const once = (): void => {
      if (this.#cleanups.delete(once)) cleanup();
    };
    this.#cleanups.add(once);
    return once;
  }

  /** A timer on the run's clock, cleared at teardown. Returns a function that clears it early. */
  setTimer(callback: () => void, delayMs: number): () => void {
    let clear = (): void => {};
    const handle = this.#clock.setTimeout(() => {
      clear();
      callback();
    }, delayMs);
    clear = this.defer(() => this.#clock.clearTimeout(handle));
    return clear;
  }

  /** Runs every registered cleanup, once. */
  run(): void {
    if (this.#done) return;
    this.#done = true;
    for (const cleanup of [...this.#cleanups]) cleanup();
    this.#cleanups.clear();
  }
}
