import { readdirSync, readFileSync } from 'node:fs';

/**
 * Whether any live process still belongs to process group `pgid` (Linux `/proc`). While one
 * does, the kernel cannot hand the group's id to a new process, so signalling `-pgid` reaches
 * only that group, even after its leader was reaped. Without `/proc` the answer is `false`
 * (never signal what cannot be checked). Zombies do not count: they cannot be killed again.
 */
export function processGroupHasMembers(pgid: number): boolean {
  // Cheap first answer, and the usual one after a stop: no process at all (zombies included) in
  // the group. Signal 0 delivers nothing. Only a group that still has someone is scanned.
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue; // not a pid
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After "pid (comm) ": state ppid pgrp …; comm may hold spaces and parentheses.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ', 3);
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') return true;
    } catch {
      // The process ended while we looked.
    }
  }
  return false;
}
