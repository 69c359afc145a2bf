/** Something that can kill its process group at once. */
export interface KillableRun {
  killNow(): void;
}

const liveRuns = new Set<KillableRun>();
let exitHookInstalled = false;

/**
 * Registers a live run so that a normal host exit (`process.exit`, the event loop emptying,
 * an uncaught exception) SIGKILLs its process group. Returns the unregister function.
 * A host killed by a signal it does not handle never runs exit hooks: see
 * `installShutdownHandlers()` and the `parentDeathSignal` option for those cases.
 */
export function registerLiveRun(run: KillableRun): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', killAllLiveRuns);
  }
  liveRuns.add(run);
  return () => liveRuns.delete(run);
}

/** SIGKILLs every live supervised process group now. Returns how many were signalled. */
export function killAllLiveRuns(): number {
  const count = liveRuns.size;
  for (const run of liveRuns) run.killNow();
  liveRuns.clear();
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
