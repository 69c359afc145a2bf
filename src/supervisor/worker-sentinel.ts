import { type ChildProcess, spawn } from 'node:child_process';
import { isMainThread } from 'node:worker_threads';

/**
 * A worker thread's exit hooks never run when the worker is terminated or the main thread calls
 * `process.exit()`. So inside a worker, the live runs are also told to a small shell process
 * that reads `add <target>` / `del <target>` lines from a pipe this thread owns. That pipe
 * closes however the thread ends (its handles are closed, or the whole process is gone), and
 * on end of input the sentinel SIGKILLs every target still listed (`-pgid` for a group).
 */
export const SENTINEL_SCRIPT = [
  'trap "" INT TERM HUP',
  'targets=" "',
  'while read -r op target; do',
  '  case "$op" in',
  '    add) targets="$targets$target " ;;',
  '    del) kept=" "; for listed in $targets; do [ "$listed" = "$target" ] || kept="$kept$listed "; done; targets="$kept" ;;',
  '  esac',
  'done',
  'for target in $targets; do kill -s KILL -- "$target" 2>/dev/null; done',
].join('\n');

let sentinel: ChildProcess | undefined;
let sentinelFailed = false;

/** Whether live runs need the sentinel here: inside a worker thread, on a platform with `sh`. */
export function needsWorkerSentinel(): boolean {
  return !isMainThread && process.platform !== 'win32' && !sentinelFailed;
}

function startSentinel(): ChildProcess | undefined {
  if (sentinel) return sentinel;
  try {
    const child = spawn('/bin/sh', ['-c', SENTINEL_SCRIPT], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
    child.on('error', () => {
      sentinelFailed = true;
      sentinel = undefined;
    });
    child.stdin?.on('error', () => {});
    // Neither the sentinel nor its pipe may keep the worker alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    sentinel = child;
  } catch {
    sentinelFailed = true;
  }
  return sentinel;
}

/**
 * Lists `target` (a pid, or `-pgid` for a process group) with the sentinel until the returned
 * function is called. Does nothing on the main thread (the `exit` hook covers it).
 */
export function watchFromWorker(target: number): () => void {
  if (!needsWorkerSentinel()) return () => {};
  const child = startSentinel();
  if (!child?.stdin) return () => {};
  child.stdin.write(`add ${target}\n`);
  let removed = false;
  return () => {
    if (removed || !child.stdin?.writable) return;
    removed = true;
    child.stdin.write(`del ${target}\n`);
  };
}
