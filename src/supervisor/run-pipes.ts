import type { ChildProcess, StdioOptions } from 'node:child_process';
import type { Readable } from 'node:stream';
import { createLineSplitter } from './line-splitter.js';

type Closable = NodeJS.EventEmitter & { destroy(): void; readonly closed?: boolean };

export interface RunPipesOptions {
  readonly watchProgress: boolean;
  readonly progressFd: 1 | 3;
  /** `'pipe'`: stdout is the host's to read; the supervisor neither reads nor destroys it. */
  readonly stdout: 'drain' | 'pipe';
  /** A chunk of the progress pipe's bytes, for the parser's own line scanner. */
  readonly onProgressChunk: (chunk: Buffer) => void;
  /** The progress pipe ended: its last line may still complete a block. */
  readonly onProgressEnd: () => void;
  readonly onStderrChunk: (chunk: Buffer) => void;
  readonly onStderrLine: (line: string) => void;
  /** Every pipe the supervisor reads has closed. */
  readonly onAllClosed: () => void;
}

/** stdin closed unless the host pipes it; stdout and stderr piped; fd 3 when progress goes there. */
export function stdioFor(options: { readonly stdin: 'ignore' | 'pipe'; readonly watchProgress: boolean; readonly progressFd: 1 | 3 }): StdioOptions {
  const stdin = options.stdin === 'pipe' ? 'pipe' : 'ignore';
  return options.watchProgress && options.progressFd === 3 ? [stdin, 'pipe', 'pipe', 'pipe'] : [stdin, 'pipe', 'pipe'];
}

/**
 * The pipes of one run that the supervisor reads: progress (fd 3, or stdout with `progressFd:
 * 1`) straight to the parser, stderr through a line splitter, and stdout drained unless the host reads it. Keeps
 * track of which are still open, and can cut them (never a stream the host owns: stdout with
 * `stdout: 'pipe'`, stdin with `stdin: 'pipe'`).
 */
export class RunPipes {
  readonly #open = new Set<Closable>();
  readonly #onAllClosed: () => void;

  constructor(child: ChildProcess, options: RunPipesOptions) {
    this.#onAllClosed = options.onAllClosed;
    const progressStream = options.watchProgress ? (child.stdio[options.progressFd] as Readable | null) : null;
    if (progressStream) {
      // Straight to the parser's scanner: no stream and no event per line on this hot path.
      progressStream.on('data', options.onProgressChunk);
      progressStream.once('end', options.onProgressEnd);
      this.#own(progressStream);
    }
    if (child.stdout && progressStream !== child.stdout && options.stdout === 'drain') {
      child.stdout.resume();
      this.#own(child.stdout);
    }
    if (child.stderr) {
      child.stderr.on('data', options.onStderrChunk);
      const lines = child.stderr.pipe(createLineSplitter());
      lines.on('data', (line: string) => {
        if (line.length > 0) options.onStderrLine(line);
      });
      this.#own(lines);
      this.#own(child.stderr);
    }
    // A write to the stdin of a process that exited raises EPIPE: never an uncaught exception.
    for (const stream of child.stdio) stream?.on('error', () => {});
  }

  get allClosed(): boolean {
    return this.#open.size === 0;
  }

  /** Cuts the pipes the supervisor reads that are still open. */
  destroy(): void {
    for (const stream of this.#open) stream.destroy();
  }

  #own(stream: Closable): void {
    stream.on('error', () => {});
    if (stream.closed) return;
    this.#open.add(stream);
    stream.once('close', () => {
      this.#open.delete(stream);
      if (this.#open.size === 0) this.#onAllClosed();
    });
  }
}
