import type { ChildProcess } from 'node:child_process';
import type { TimerClock } from './clock.js';
import { processGroupHasMembers } from './process-group.js';

export interface TerminatorOptions {
  readonly child: ChildProcess;
  readonly clock: TimerClock;
  readonly killGraceMs: number;
  /** Signal the whole process group (the child was spawned detached, so it leads one). */
  readonly useProcessGroup: boolean;
  /** Called once SIGKILL was sent to a process that had not exited (the reap bound starts then). */
  readonly onKillSent?: () => void;
}

/**
 * Stops one process in steps: SIGTERM to its group, SIGKILL to the group after `killGraceMs`.
 * Once `markExited()` is called (the process was reaped) its pid is never signalled again, so a
 * recycled pid is never hit. If a stop was under way when the leader exited (a wrapper script
 * that died on SIGTERM while the ffmpeg it started ignores it), the group's SIGKILL still comes
 * at the end of the grace, and `sweep()` sends it at once, but only while `/proc` shows members
 * left in the group: a group with members keeps its id, so nothing else can be hit.
 */
export class Terminator {
  readonly #options: TerminatorOptions;
  #killTimer: unknown;
  #exited = false;
  #started = false;
  #forcedKill = false;
  #killAt = 0;

  constructor(options: TerminatorOptions) {
    this.#options = options;
  }

  /** Whether SIGKILL had to be sent. */
  get forcedKill(): boolean {
    return this.#forcedKill;
  }

  /** Starts the stop sequence; later calls do nothing (one kill sequence per run). */
  stop(): void {
    if (this.#started || this.#exited) return;
    this.#started = true;
    this.#send('SIGTERM');
    this.#killAt = this.#options.clock.now() + this.#options.killGraceMs;
    this.#killTimer = this.#options.clock.setTimeout(() => {
      this.#killTimer = undefined;
      if (this.#exited) {
        this.sweep();
        return;
      }
      this.#forcedKill = true;
      this.#send('SIGKILL');
      this.#options.onKillSent?.();
    }, this.#options.killGraceMs);
  }

  /** Milliseconds until the scheduled SIGKILL, or 0 when none is pending. */
  get msUntilKill(): number {
    return this.#killTimer === undefined ? 0 : Math.max(0, this.#killAt - this.#options.clock.now());
  }

  /**
   * After the leader was reaped during a stop: SIGKILL what is left of its group, if anything.
   * Does nothing when no stop was started (a normal exit leaves the host's processes alone).
   */
  sweep(): void {
    const { child, useProcessGroup } = this.#options;
    if (!this.#started || !this.#exited || !useProcessGroup || child.pid === undefined) return;
    if (!processGroupHasMembers(child.pid)) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
      this.#forcedKill = true;
    } catch {
      // The last member left in between.
    }
  }

  /** Cancels the pending SIGKILL (the run settled). */
  dispose(): void {
    if (this.#killTimer !== undefined) this.#options.clock.clearTimeout(this.#killTimer);
    this.#killTimer = undefined;
  }

  /** Sends SIGKILL at once (host shutdown, or again to a process not reaped after a stop); no-op after exit. */
  killNow(): void {
    if (this.#exited) return;
    this.#forcedKill = this.#started || this.#forcedKill;
    this.#send('SIGKILL');
  }

  /** Whether the process was reaped. */
  get exited(): boolean {
    return this.#exited;
  }

  /** The process was reaped; a pending SIGKILL now only sweeps what is left of the group. */
  markExited(): void {
    this.#exited = true;
    if (!this.#started) this.dispose();
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
