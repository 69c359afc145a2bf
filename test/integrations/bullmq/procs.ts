import { readdirSync, readFileSync } from 'node:fs';

/** A process as the kernel knows it: pid plus start time (pids are recycled), and its command line. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly startTime: string;
  readonly cmdline: string;
}

function readInfo(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(fields[1]), startTime: fields[19] ?? '', cmdline };
  } catch {
    return undefined;
  }
}

/** Every live process below `roots` (children, grandchildren, …), read from `/proc`. */
export function descendantsOf(roots: readonly number[]): ProcessInfo[] {
  const all: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readInfo(Number(entry));
    if (info) all.push(info);
  }
  const found: ProcessInfo[] = [];
  let frontier = new Set(roots);
  while (frontier.size > 0) {
    const next = new Set<number>();
    for (const info of all) {
      if (frontier.has(info.ppid)) {
        found.push(info);
        next.add(info.pid);
      }
    }
    frontier = next;
  }
  return found;
}

/** Whether that very process (same pid and start time) still runs; zombies count as gone. */
export function isStillAlive(info: ProcessInfo): boolean {
  const now = readInfo(info.pid);
  return now !== undefined && now.startTime === info.startTime;
}

/** Polls until none of `infos` is alive; resolves with those still alive after `timeoutMs`. */
export async function waitUntilGone(infos: readonly ProcessInfo[], timeoutMs = 10_000): Promise<ProcessInfo[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const alive = infos.filter(isStillAlive);
    if (alive.length === 0 || Date.now() >= deadline) return alive;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Collects every descendant of `roots` seen while it runs, every `everyMs`. */
export function watchDescendants(roots: () => readonly number[], everyMs = 50): { readonly seen: Map<string, ProcessInfo>; stop(): void } {
  const seen = new Map<string, ProcessInfo>();
  const sample = (): void => {
    for (const info of descendantsOf(roots())) seen.set(`${info.pid}/${info.startTime}`, info);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return { seen, stop: () => clearInterval(timer) };
}
