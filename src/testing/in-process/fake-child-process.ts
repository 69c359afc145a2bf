import type { StdioOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { appendFileSync, copyFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { PassThrough } from 'node:stream';
import type { TimerClock } from '../../supervisor/clock.js';
import { optionValue, parseProgressTarget } from '../scenario/command-line.js';
import { answerWithoutPlaying } from '../scenario/fake-answers.js';
import type { FakeFfmpegScenario } from '../scenario/format.js';
import { type FakeOutput, ScenarioPlayer } from '../scenario/player.js';

// Real timers, captured before a test can install fake ones: a running fake keeps its host alive
// the way a real child's pipes do, whatever the clock.
const realSetInterval = globalThis.setInterval;
const realClearInterval = globalThis.clearInterval;

export interface FakeChildProcessOptions {
  readonly file: string;
  readonly args: readonly string[];
  readonly scenario: FakeFfmpegScenario;
  /** As given to `spawn`: `'pipe'` entries become in-memory streams, anything else `null`. */
  readonly stdio: StdioOptions | undefined;
  /** Every wait of the scenario runs on it. */
  readonly clock: TimerClock;
  readonly pid: number;
}

/**
 * An in-process stand-in for ffmpeg's `ChildProcess`: it plays a scenario into in-memory pipes on
 * the given clock. Events and fields follow Node's: `'spawn'`, `'exit'` (code, signal), then
 * `'close'` once the pipes are read to the end. `kill()` reacts as the scenario says.
 */
export class FakeChildProcess extends EventEmitter {
  /** A number above Linux's largest pid, so it can never name a real process. */
  readonly pid: number;
  readonly spawnfile: string;
  readonly spawnargs: string[];
  /** `stdio[0]` is written by the host; the others are read by it. */
  readonly stdio: Array<PassThrough | null>;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  killed = false;
  /** Every signal `kill()` delivered, in order. */
  readonly signalsReceived: NodeJS.Signals[] = [];
  readonly #options: FakeChildProcessOptions;
  readonly #player: ScenarioPlayer;
  readonly #timers = new Set<unknown>();
  readonly #keepAlive: ReturnType<typeof setInterval>;
  #exited = false;

  constructor(options: FakeChildProcessOptions) {
    super();
    this.#options = options;
    this.pid = options.pid;
    this.spawnfile = options.file;
    this.spawnargs = [options.file, ...options.args];
    this.stdio = normalizeStdio(options.stdio).map((kind) => (kind === 'pipe' ? new PassThrough() : null));
    this.stdin?.resume(); // ffmpeg reads nothing from it (`-nostdin`); writes must not pile up
    this.#player = new ScenarioPlayer(options.scenario, options.args, {
      sleep: (ms) => this.#sleep(ms),
      write: (output, chunk) => this.#write(output, chunk),
      copyFile: async (from, to) => copyFileSync(from, to),
      writeFile: async (path, text) => writeFileSync(path, text),
    });
    this.#keepAlive = realSetInterval(() => {}, 1e9);
    process.nextTick(() => this.#start());
  }

  get stdin(): PassThrough | null {
    return this.stdio[0] ?? null;
  }

  get stdout(): PassThrough | null {
    return this.stdio[1] ?? null;
  }

  get stderr(): PassThrough | null {
    return this.stdio[2] ?? null;
  }

  /** SIGTERM / SIGINT play the scenario's `onSigterm`; any other signal (SIGKILL) ends the fake at once. */
  kill(signal: NodeJS.Signals | number = 'SIGTERM'): boolean {
    if (this.#exited) return false;
    if (signal === 0) return true;
    const name = typeof signal === 'number' ? signalName(signal) : signal;
    if (name === undefined || !(name in constants.signals)) throw new TypeError(`Unknown signal: ${String(signal)}`);
    this.killed = true;
    this.signalsReceived.push(name);
    if (name !== 'SIGTERM' && name !== 'SIGINT') {
      this.#exit(null, name);
      return true;
    }
    const reaction = this.#player.reactToSignal(name);
    if (reaction.action === 'ignore') void this.#write('stderr', reaction.stderr);
    if (reaction.action === 'exit') {
      void this.#write('progress', reaction.progress);
      void this.#write('stderr', reaction.stderr);
      this.#exit(reaction.exitCode, null);
    }
    return true;
  }

  ref(): void {
    this.#keepAlive.ref();
  }

  unref(): void {
    this.#keepAlive.unref();
  }

  #start(): void {
    this.emit('spawn');
    if (this.#exited) return; // killed before it ran
    const { scenario, file, args, pid } = this.#options;
    const answer = answerWithoutPlaying(scenario, file, args);
    if (answer) {
      void this.#write('stdout', answer.stdout);
      void this.#write('stderr', answer.stderr);
      this.#exit(answer.exitCode, null);
      return;
    }
    if (scenario.announceReady !== false) void this.#write('stderr', `ready pid=${pid}\n`);
    this.#player.play().then(
      (ending) => {
        if (ending.kind === 'exit') this.#exit(ending.code, null);
        else if (ending.kind === 'crash') this.#exit(null, ending.signal);
      },
      (error: unknown) => {
        void this.#write('stderr', `fake ffmpeg: ${error instanceof Error ? error.message : String(error)}\n`);
        this.#exit(1, null);
      },
    );
  }

  /** Exits once: no more timers or writes; `'exit'` on the next tick, `'close'` when every output pipe closed. */
  #exit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#player.halt();
    for (const handle of this.#timers) this.#options.clock.clearTimeout(handle);
    this.#timers.clear();
    realClearInterval(this.#keepAlive);
    this.exitCode = code;
    this.signalCode = signal;
    const outputs = this.stdio.slice(1).filter((stream): stream is PassThrough => stream !== null);
    for (const stream of outputs) stream.end();
    this.stdin?.destroy();
    process.nextTick(() => {
      this.emit('exit', code, signal);
      void Promise.all(outputs.map(closed)).then(() => this.emit('close', code, signal));
    });
  }

  #sleep(ms: number): Promise<void> {
    if (this.#exited) return new Promise(() => {}); // a dead process never wakes up
    const { clock } = this.#options;
    return new Promise((resolve) => {
      const handle = clock.setTimeout(() => {
        this.#timers.delete(handle);
        resolve();
      }, Math.max(0, ms));
      this.#timers.add(handle);
    });
  }

  #write(output: FakeOutput, chunk: string | Uint8Array): Promise<void> {
    if (output === 'progress') {
      const target = parseProgressTarget(optionValue(this.#options.args, '-progress'));
      if (target !== undefined && 'file' in target) {
        try {
          if (!this.#exited) appendFileSync(target.file, chunk);
        } catch {
          // An unwritable -progress file: ffmpeg carries on without it.
        }
        return Promise.resolve();
      }
      return writeChunk(target === undefined ? null : this.stdio[target.fd], chunk);
    }
    return writeChunk(this.stdio[output === 'stdout' ? 1 : 2], chunk);
  }
}

/** Resolves once the stream took the chunk: a pipe nobody reads makes the writer wait, as a real one does. */
function writeChunk(stream: PassThrough | null | undefined, chunk: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (!stream || stream.destroyed || stream.writableEnded || chunk.length === 0) resolve();
    else stream.write(chunk, () => resolve());
  });
}

function closed(stream: PassThrough): Promise<void> {
  return new Promise((resolve) => (stream.closed ? resolve() : stream.once('close', () => resolve())));
}

/** `'pipe'` (and Windows' `'overlapped'`) per fd; Node's default is three pipes. */
function normalizeStdio(stdio: StdioOptions | undefined): Array<'pipe' | 'none'> {
  const entries: readonly unknown[] = stdio === undefined ? ['pipe', 'pipe', 'pipe'] : typeof stdio === 'string' ? [stdio, stdio, stdio] : stdio;
  return entries.map((entry) => (entry === 'pipe' || entry === 'overlapped' ? 'pipe' : 'none'));
}

function signalName(signal: number): NodeJS.Signals | undefined {
  return (Object.keys(constants.signals) as NodeJS.Signals[]).find((name) => constants.signals[name] === signal);
}
