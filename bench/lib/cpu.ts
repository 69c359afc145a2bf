import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc` times (USER_HZ, 100 on Linux almost everywhere). */
const CLOCK_TICKS_PER_SEC = readClockTicks();

function readClockTicks(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

/** The resolution of {@link childrenCpuMs}. */
export const CHILDREN_CPU_RESOLUTION_MS = 1000 / CLOCK_TICKS_PER_SEC;

/**
 * CPU time (user + system, ms) of every child this process has waited for, from the `cutime`
 * and `cstime` fields of `/proc/self/stat`. The kernel adds a child's times (and those of the
 * children it waited for) when the child is reaped; libuv reaps before Node emits `exit`, so a
 * delta across a run counts exactly the processes that run started. Linux only; resolution one
 * clock tick on the running total.
 */
export function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // `pid (comm) state ...`: fields after the last `)` start at field 3 (state); cutime is 16, cstime 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cutime = Number(fields[13]);
  const cstime = Number(fields[14]);
  return ((cutime + cstime) * 1000) / CLOCK_TICKS_PER_SEC;
}

/** This process's own CPU time (user + system, ms, all threads), microsecond resolution. */
export function hostCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
