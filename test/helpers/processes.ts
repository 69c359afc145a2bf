import { readFileSync } from 'node:fs';

/**
 * Whether `pid` is a live process, read from `/proc/<pid>/stat`. A zombie (`Z`) or dead (`X`)
 * process counts as gone: `process.kill(pid, 0)` succeeds on zombies, and PID 1 in this
 * container does not reap orphans.
 */
export function isProcessAlive(pid: number): boolean {
  const state = readProcStat(pid)?.state;
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/** The process group of `pid`, or `undefined` when it is gone. */
export function processGroupOf(pid: number): number | undefined {
  return readProcStat(pid)?.pgrp;
}

/** Polls until `pid` is gone; resolves `true` then, or `false` once `timeoutMs` ran out. */
export async function waitForProcessGone(pid: number, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** A tracked pid with its start time, so a pid the kernel has recycled is never signalled. */
const tracked = new Map<number, string>();

/** Registers a pid (and its process group) for {@link killTracked}. Returns the pid. */
export function trackPid(pid: number | undefined): number {
  if (pid === undefined) throw new Error('trackPid: the process has no pid (did the spawn fail?)');
  const startTime = readProcStat(pid)?.startTime;
  if (startTime !== undefined) tracked.set(pid, startTime);
  return pid;
}

/**
 * SIGKILLs every tracked process and its group that is still the same process (same start
 * time: pids wrap here), waits until they are gone, and forgets them.
 */
export async function killTracked(timeoutMs = 5_000): Promise<void> {
  const entries = [...tracked];
  tracked.clear();
  const pids: number[] = [];
  for (const [pid, startTime] of entries) {
    const stat = readProcStat(pid);
    if (stat === undefined || stat.startTime !== startTime) continue; // gone, or a recycled pid
    pids.push(pid);
    if (stat.pgrp === pid) trySignal(-pid); // it leads its group: its grandchildren stay in it
    trySignal(pid);
  }
  const gone = await Promise.all(pids.map((pid) => waitForProcessGone(pid, timeoutMs)));
  const left = pids.filter((_, index) => !gone[index]);
  if (left.length > 0) throw new Error(`killTracked: still alive after SIGKILL: ${left.join(', ')}`);
}

function trySignal(target: number): void {
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // ESRCH: already gone.
  }
}

function readProcStat(pid: number): { state: string; pgrp: number; startTime: string } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid pgrp ...`; comm may hold spaces and parentheses, so split after the last `)`.
  // Field 22 (starttime) is the 20th after the `)`.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]), startTime: fields[19] ?? '' };
}

/**
 * Polls until `pid` sits in `read()` on a pipe or FIFO (`/proc/<pid>/wchan`), the state in which
 * Debian's ffmpeg ignores SIGTERM, so a signal sent next lands in that state and not during start-up.
 */
export async function waitUntilBlockedInPipeRead(pid: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let wchan = '';
  while (Date.now() < deadline) {
    try {
      wchan = readFileSync(`/proc/${pid}/wchan`, 'utf8');
    } catch {
      wchan = '(gone)';
    }
    if (/pipe/.test(wchan)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`pid ${pid} never blocked in a pipe read (last wchan: ${wchan})`);
}
