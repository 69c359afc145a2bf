import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A very light fake ffmpeg for scale runs: pass `path` as `ffmpegPath`. */
export interface LightFake {
  readonly path: string;
  /** `'C'` (compiled here) or `'sh'` (fallback when no C compiler works). */
  readonly kind: 'C' | 'sh';
  cleanup(): void;
}

const C_SOURCE = fileURLToPath(new URL('./light-fake.c', import.meta.url));

/**
 * The sh fallback: the same protocol as light-fake.c, but each `sleep` forks a process
 * (about 2 forks per second per fake), which loads the machine noticeably at 1,000 fakes.
 */
const SH_SOURCE = `#!/bin/sh
fd=3; max=3600; interval=500; silent=0
trap 'silent=1' USR1
while [ $# -gt 1 ]; do
  case "$1" in
    -progress) fd=\${2#pipe:} ;;
    -max_blocks) max=$2 ;;
    -interval_ms) interval=$2 ;;
  esac
  shift
done
secs=$(printf '%d.%03d' $((interval / 1000)) $((interval % 1000)))
n=1
while [ $n -le $max ]; do
  sleep $secs
  if [ $silent = 1 ]; then exec sleep 86400; fi
  progress=continue; [ $n -eq $max ] && progress=end
  us=$((n * interval * 1000))
  printf 'frame=%d\\nfps=25.00\\nstream_0_0_q=-1.0\\nbitrate=N/A\\ntotal_size=%d\\nout_time_us=%d\\nout_time_ms=%d\\nout_time=00:00:00.000000\\ndup_frames=0\\ndrop_frames=0\\nspeed=1.00x\\nprogress=%s\\n' \\
    $((n * 12)) $((n * 250000)) $us $us $progress >&$fd || exit 1
  n=$((n + 1))
done
`;

/** Compiles light-fake.c with `cc` into a temporary directory, or writes the sh fallback. */
export function createLightFake(): LightFake {
  const dir = mkdtempSync(join(tmpdir(), 'ffsup-bench-light-fake-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  const binary = join(dir, 'ffmpeg');
  try {
    execFileSync(process.env.CC ?? 'cc', ['-O2', '-o', binary, C_SOURCE], { stdio: 'pipe' });
    return { path: binary, kind: 'C', cleanup };
  } catch {
    writeFileSync(binary, SH_SOURCE);
    chmodSync(binary, 0o755);
    return { path: binary, kind: 'sh', cleanup };
  }
}
