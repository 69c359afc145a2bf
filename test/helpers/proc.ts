import { readFileSync } from 'node:fs';

/** A pid is gone when /proc has no entry for it or it is a zombie (`Z`): PID 1 here may never reap orphans. */
export function isProcessGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return true;
  }
}
