import type { ChildProcess } from 'node:child_process';
import type { TimerClock } from './clock.js';

export interface TerminatorOptions {
  readonly child: ChildProcess;
  readonly clock: TimerClock;
  readonly killGraceMs: number;
  /** Signal the whole process group (the child was spawned detached, so it leads one). */
  readonly useProcessGroup: boolean;
}

/**
 * Stops one process in steps: SIGTERM to its group, SIGKILL to the group after `killGraceMs`.
 * Once `markExited()` is called (the process was reaped) no signal is ever sent again, so a
 * recycled pid is never hit.
 */
export class Terminator {
  readonly #options: TerminatorOptions;
  #killTimer: unknown;
  #exited = false;
  #started = false;
  #forcedKill = false;

  constructor(options: TerminatorOptions) {
    this.#options = options;
  }

  /** Whether SIGKILL had to be sent. */
  get forcedKill(): boolean {
    return this.#forcedKill;
  }

  get started(): boolean {
    return this.#started;
  }

  /** Starts the stop sequence; later calls do nothing (one kill sequence per run). */
  stop(): void {
    if (this.#started || this.#exited) return;
    this.#started = true;
    this.#send('SIGTERM');
    this.#killTimer = this.#options.clock.setTimeout(() => {
      this.#killTimer = undefined;
      if (this.#exited) return;
      this.#forcedKill = true;
      this.#send('SIGKILL');
    }, this.#options.killGraceMs);
  }

  /** Sends SIGKILL at once (host shutdown); no-op after exit. */
  killNow(): void {
    if (this.#exited) return;
    this.#forcedKill = this.#started || this.#forcedKill;
    this.#send('SIGKILL');
  }

  markExited(): void {
    this.#exited = true;
    if (this.#killTimer !== undefined) this.#options.clock.clearTimeout(this.#killTimer);
    this.#killTimer = undefined;
  }

  #send(signal: NodeJS.Signals): void {
    const { child, useProcessGroup } = this.#options;
    if (useProcessGroup && child.pid !== undefined) {
      try {
        process.kill(-child.pid, signal);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ESRCH' && code !== 'EPERM') throw error;
      }
    }
    try {
      child.kill(signal);
    } catch {
      // The process is already gone; 'exit' will tell.
    }
  }
}
