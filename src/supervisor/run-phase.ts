/**
 * The phases of one run, in order:
 * - `starting`: `run()` was called; spawning (nothing else has happened yet).
 * - `running`: ffmpeg has a pid; the watchdog, the deadline and the abort signals are armed.
 * - `stopping`: a stop reason is latched; SIGTERM was sent, SIGKILL follows after `killGraceMs`,
 *   and after SIGKILL the run waits at most `reapTimeoutMs` for the process to be reaped.
 * - `draining`: the process was reaped; the pipes the supervisor reads (stderr, progress, a
 *   drained stdout) are read to their end, for at most `pipeDrainMs` (a grandchild may hold them).
 * - `settled`: the outcome is decided and every timer and listener of the run is gone.
 */
export type RunPhase = 'starting' | 'running' | 'stopping' | 'draining' | 'settled';

/** Which phase may follow which; every other move is refused. */
export const NEXT_PHASES: { readonly [Phase in RunPhase]: readonly RunPhase[] } = Object.freeze({
  starting: ['running', 'settled'],
  running: ['stopping', 'draining'],
  stopping: ['draining', 'settled'],
  draining: ['settled'],
  settled: [],
});

/** Whether a run may move from `from` to `to`. */
export function canEnterPhase(from: RunPhase, to: RunPhase): boolean {
  return NEXT_PHASES[from].includes(to);
}
