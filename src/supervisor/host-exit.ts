import { rmSync } from 'node:fs';
import { watchFromWorker } from './worker-sentinel.js';

/** Something that can kill its process group at once. */
export interface KillableRun {
  killNow(): void;
}

const liveRuns = new Set<KillableRun>();
const tempFiles = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', killAllLiveRuns);
}

/**
 * Registers a live run so that a normal host exit (`process.exit`, the event loop emptying,
 * an uncaught exception) SIGKILLs its process group. Inside a worker thread, whose exit hooks
 * do not run when it is terminated or the process exits, `target` (the pid, or `-pgid` for a
 * group) is also handed to the worker sentinel. Returns the unregister function.
 * A host killed by a signal it does not handle never runs exit hooks: see
 * `installShutdownHandlers()` and the `parentDeathSignal` option for those cases.
 */
export function registerLiveRun(run: KillableRun, target?: number): () => void {
  installExitHook();
  liveRuns.add(run);
  const unwatch = target === undefined ? () => {} : watchFromWorker(target);
  return () => {
    liveRuns.delete(run);
    unwatch();
  };
}

/**
 * Registers a temporary file (a ladder's partial output or concat list) to be removed if the
 * host exits while it exists, after the processes writing it were killed. Returns the
 * unregister function.
 */
export function registerTempFile(path: string): () => void {
  installExitHook();
  tempFiles.add(path);
  return () => tempFiles.delete(path);
}

/**
 * SIGKILLs every live supervised process group now, then removes every registered temporary
 * file (synchronously: this also runs in an `exit` handler). Returns how many groups were signalled.
 */
export function killAllLiveRuns(): number {
  const count = liveRuns.size;
  for (const run of liveRuns) run.killNow();
  liveRuns.clear();
  for (const path of tempFiles) {
    try {
      rmSync(path, { force: true });
    } catch {
      // Nothing more can be done at exit.
    }
  }
  tempFiles.clear();
  return count;
}

/** How many supervised processes are running in this host now. */
export function liveRunCount(): number {
  return liveRuns.size;
}

/**
 * Opt-in: on SIGTERM / SIGINT, SIGKILL every supervised process group, then let the signal
 * end the host as it would have. Hosts with their own graceful shutdown should abort their
 * jobs' signals instead (the temp files of a ladder are only removed that way).
 * Returns a function that removes the handlers.
 */
export function installShutdownHandlers(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): () => void {
  const handlers = signals.map((signal) => {
    const handler = (): void => {
      killAllLiveRuns();
      removeAll();
      process.kill(process.pid, signal);
    };
    process.once(signal, handler);
    return [signal, handler] as const;
  });
  const removeAll = (): void => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
  return removeAll;
}
