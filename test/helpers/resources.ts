import { readdirSync, readFileSync } from 'node:fs';
import { systemClock, type TimerClock } from '../../src/supervisor/clock.js';
import { liveRunCount } from '../../src/supervisor/host-exit.js';

/** What a finished run must give back: open fds, active handles by type, child processes, live runs. */
export interface ResourceSnapshot {
  /** Entries of `/proc/self/fd`. */
  readonly fds: number;
  /** `process.getActiveResourcesInfo()` counted by type (ref'ed handles and requests only). */
  readonly handles: Readonly<Record<string, number>>;
  /** Live (non-zombie) children of this process, as pids. */
  readonly children: readonly number[];
  /** Supervised processes registered for the host-exit hook. */
  readonly liveRuns: number;
}

export function snapshotResources(): ResourceSnapshot {
  return {
    fds: readdirSync('/proc/self/fd').length,
    handles: countByType(process.getActiveResourcesInfo()),
    children: childPidsOf(process.pid),
    liveRuns: liveRunCount(),
  };
}

/**
 * Waits until this process is back to `baseline`: no more fds, no more handles of any type, no
 * children, no live runs. Handles and fds close asynchronously after a run settles (libuv closes
 * a pipe on a later turn), so this polls; whatever the vitest worker itself had open at the
 * baseline is allowed to go away, nothing may be added. Fails with both snapshots on timeout.
 */
export async function expectResourcesBackTo(baseline: ResourceSnapshot, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let now = snapshotResources();
  while (!isWithin(now, baseline) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    now = snapshotResources();
  }
  if (!isWithin(now, baseline)) {
    throw new Error(
      `resources not back to the baseline after ${timeoutMs} ms:\n  before ${JSON.stringify(baseline)}\n  after  ${JSON.stringify(now)}`,
    );
  }
}

function isWithin(now: ResourceSnapshot, baseline: ResourceSnapshot): boolean {
  if (now.fds > baseline.fds || now.children.length > 0 || now.liveRuns > 0) return false;
  return Object.entries(now.handles).every(([type, count]) => count <= (baseline.handles[type] ?? 0));
}

function countByType(types: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of types) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** Live children of `pid` (zombies count as gone), read from `/proc/<pid>/stat`. */
export function childPidsOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const [state = '', ppid = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(ppid) === pid && state !== 'Z' && state !== 'X') children.push(Number(entry));
  }
  return children;
}

/** The system clock, counting the timers the library has pending on it (its timers are unref'ed, so handle counts miss them). */
export interface CountingClock extends TimerClock {
  /** Timers set and neither fired nor cleared. */
  readonly pending: number;
  /** Timers set in total. */
  readonly created: number;
}

export function createCountingClock(): CountingClock {
  const live = new Set<unknown>();
  let created = 0;
  return {
    now: () => systemClock.now(),
    setTimeout(callback, delayMs) {
      created += 1;
      const handle: unknown = systemClock.setTimeout(() => {
        live.delete(handle);
        callback();
      }, delayMs);
      live.add(handle);
      return handle;
    },
    clearTimeout(handle) {
      live.delete(handle);
      systemClock.clearTimeout(handle);
    },
    get pending() {
      return live.size;
    },
    get created() {
      return created;
    },
  };
}

/**
 * A process as the kernel knows it: its pid and its start time (field 22 of `/proc/<pid>/stat`).
 * Pids are recycled (pid_max is 32768 here and a full test run wraps it), so "is pid N alive" or
 * "SIGKILL pid N" must first check it is still the same process.
 */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTime: string;
}

/** The identity of a live (non-zombie) process, or `undefined` when it is gone. */
export function identifyProcess(pid: number): ProcessIdentity | undefined {
  const fields = readStatFields(pid);
  if (fields === undefined) return undefined;
  const [state = '', , , , , , , , , , , , , , , , , , , startTime = ''] = fields;
  return state === 'Z' || state === 'X' ? undefined : { pid, startTime };
}

/** Whether that very process still runs (a zombie, or a new process on a recycled pid, does not count). */
export function isSameProcessAlive(identity: ProcessIdentity): boolean {
  return identifyProcess(identity.pid)?.startTime === identity.startTime;
}

/** Fields of `/proc/<pid>/stat` after `comm`: state, ppid, pgrp, … (so `starttime`, field 22, is index 19). */
function readStatFields(pid: number): string[] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
