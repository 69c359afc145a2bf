import { readFileSync, writeFileSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers a just-spawned process's scheduling priority to `nice` (0–19). Best effort: a process
 * that is already gone, or a platform without the call, is left as it is.
 *
 * - `setpriority` on the process. On Linux it applies to the main thread only, and threads
 *   created later inherit it: ffmpeg creates its decoder, filter and encoder threads after
 *   opening the input, well after this call made at spawn.
 * - Linux with autogroups (`/proc/sys/kernel/sched_autogroup_enabled`): the scheduler first
 *   shares the CPU between autogroups (one per session), and a supervised ffmpeg leads its own
 *   session, so its nice value alone would only rank it against itself. Writing the value to
 *   `/proc/<pid>/autogroup` lowers the whole session against the rest of the machine. Raising a
 *   nice value needs no privilege.
 */
export function lowerProcessPriority(pid: number, nice: number): void {
  try {
    setPriority(pid, nice);
  } catch {
    return; // gone already (ESRCH), or not allowed: nothing more to do
  }
  if (process.platform !== 'linux' || !leadsOwnSession(pid)) return; // never renice the host's own session
  try {
    writeFileSync(`/proc/${pid}/autogroup`, String(nice));
  } catch {
    // No autogroups in this kernel, or the process is gone.
  }
}

/** Whether `pid` is the leader of its session (field 6 of `/proc/<pid>/stat`). */
function leadsOwnSession(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const session = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
    return session === pid;
  } catch {
    return false;
  }
}
