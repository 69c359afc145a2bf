import { readFileSync } from 'node:fs';

/** Whether `pid` is a live process (`/proc/<pid>/stat`; a zombie counts as gone). */
export function isProcessAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  return state !== 'Z' && state !== 'X';
}

/** SIGKILLs the process group led by `pid` (supervised children lead their own), then the pid. */
export function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // ESRCH: already gone.
    }
  }
}

/**
 * On Ctrl-C or SIGTERM, runs `cleanup` (which must kill every process the benchmark started)
 * and exits with the shell's code for the signal. Returns a function that removes the handlers.
 */
export function onInterrupt(cleanup: () => void): () => void {
  let handled = false;
  // `on`, not `once`: a second Ctrl-C during cleanup must not take the default action.
  const handler = (signal: NodeJS.Signals): void => {
    if (handled) return;
    handled = true;
    console.error(`\n${signal}: killing the benchmark's processes`);
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
