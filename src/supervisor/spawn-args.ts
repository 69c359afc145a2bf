/** What is actually executed for a run. */
export interface SpawnCommand {
  readonly file: string;
  readonly args: readonly string[];
  /** ffmpeg's own arguments, injected ones included (what the outcome reports). */
  readonly ffmpegArgs: readonly string[];
}

/**
 * Puts the injected global options first: `-nostdin` (ffmpeg must never wait on a prompt or
 * read commands from a pipe) and `-progress pipe:N`. With `parentDeathSignal`, the command is
 * wrapped in `setpriv --pdeathsig KILL`, which execs ffmpeg in place (same pid).
 */
export function buildSpawnCommand(
  ffmpegPath: string,
  args: readonly string[],
  {
    progressFd,
    parentDeathSignal,
    watchProgress = true,
  }: { readonly progressFd: 1 | 3; readonly parentDeathSignal: boolean; readonly watchProgress?: boolean },
): SpawnCommand {
  const ffmpegArgs = watchProgress ? ['-nostdin', '-progress', `pipe:${progressFd}`, ...args] : [...args];
  if (!parentDeathSignal) return { file: ffmpegPath, args: ffmpegArgs, ffmpegArgs };
  return { file: 'setpriv', args: ['--pdeathsig', 'KILL', '--', ffmpegPath, ...ffmpegArgs], ffmpegArgs };
}
