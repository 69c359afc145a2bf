import type { Readable, Writable } from 'node:stream';

/** Whether ffmpeg's media goes through the CLI's own stdin and stdout. */
export interface StdioMedia {
  /** An input is `-`, `pipe:` or `pipe:0`. */
  readonly stdin: boolean;
  /** An output is `-`, `pipe:` or `pipe:1`. */
  readonly stdout: boolean;
}

const STDIN = new Set(['-', 'pipe:', 'pipe:0']);
const STDOUT = new Set(['-', 'pipe:', 'pipe:1']);
const OTHER_PIPE = /^pipe:(\d+)$/;

/**
 * Pure: where ffmpeg's arguments read and write media, or why the CLI cannot carry it. Inputs
 * follow `-i`; every other `-`/`pipe:N` argument is an output (`-f null -` writes nothing).
 * stderr (fd 2) carries ffmpeg's log and fd 3 the progress the supervisor reads, so media
 * cannot go there.
 */
export function findStdioMedia(args: readonly string[]): StdioMedia | { readonly problem: string } {
  let stdin = false;
  let stdout = false;
  let format: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const isInput = args[i - 1] === '-i';
    if (args[i - 1] === '-f') format = arg;
    if (isInput) format = undefined;
    if (isInput && STDIN.has(arg)) stdin = true;
    else if (!isInput && STDOUT.has(arg)) {
      if (format !== 'null') stdout = true;
      format = undefined;
    } else {
      const fd = OTHER_PIPE.exec(arg)?.[1];
      if (fd === undefined) continue;
      return {
        problem: isInput
          ? `ffmpeg can read media from stdin only ('-i -' or '-i pipe:0'), not from '${arg}'`
          : `ffmpeg can write media to stdout only ('-' or 'pipe:1'), not to '${arg}': ${fd === '2' ? 'stderr carries its log' : 'the other pipes are not passed on'}`,
      };
    }
  }
  return { stdin, stdout };
}

/** The streams a run's media goes through: the CLI's own by default. */
export interface MediaStreams {
  readonly stdin: Readable;
  readonly stdout: Writable;
}

/**
 * Passes the CLI's stdin to ffmpeg's and ffmpeg's stdout to the CLI's, byte for byte, for the
 * directions `media` names. A reader that goes away (`| head`) closes ffmpeg's stdout, so
 * ffmpeg fails on its next write as it would run raw. Returns the undo, called once the run
 * settled: the supervisor does not wait for a stdout the host reads, so the undo first waits for
 * ffmpeg's stdout to end (at most `drainMs`, in case a grandchild holds it), so that every byte
 * reaches the CLI's stdout.
 */
export function connectMediaPipes(
  child: { readonly stdin: NodeJS.WritableStream | null; readonly stdout: Readable | null },
  media: StdioMedia,
  streams: MediaStreams = { stdin: process.stdin, stdout: process.stdout },
): (drainMs?: number) => Promise<void> {
  const undo: Array<() => void> = [];
  const { stdout: ffmpegOut, stdin: ffmpegIn } = child;
  let stdoutDone: Promise<void> = Promise.resolve();
  if (media.stdout && ffmpegOut) {
    stdoutDone = new Promise((resolve) => {
      if (ffmpegOut.readableEnded || ffmpegOut.destroyed) return resolve();
      ffmpegOut.once('end', () => resolve());
      ffmpegOut.once('close', () => resolve());
    });
    const onReaderGone = (): void => void ffmpegOut.destroy();
    ffmpegOut.pipe(streams.stdout, { end: false });
    streams.stdout.on('error', onReaderGone);
    undo.push(() => {
      ffmpegOut.unpipe(streams.stdout);
      streams.stdout.off('error', onReaderGone);
    });
  }
  if (media.stdin && ffmpegIn) {
    streams.stdin.pipe(ffmpegIn as Writable);
    // ffmpeg may stop reading before the end (`-t 10`): the rest of stdin is not waited for.
    undo.push(() => {
      streams.stdin.unpipe(ffmpegIn as Writable);
      streams.stdin.destroy();
    });
  }
  return async (drainMs = 5_000) => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([stdoutDone, new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs)))]);
    clearTimeout(timer);
    for (const step of undo) step();
  };
}
