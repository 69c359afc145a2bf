/**
 * Plays a scenario's steps through an environment: the fake ffmpeg program (real pipes, real
 * timers, `process.exit`) or the in-process fake child (streams in memory, the host's clock).
 * The player decides what is written and when; the environment does the writing and exiting.
 */
import { readFile } from 'node:fs/promises';
import { outputTarget } from './command-line.js';
import { advanceBlock, type FakeBlock, renderBlock, resolveBlock, ZERO_BLOCK } from './progress-block-format.js';
import type { FakeFfmpegScenario, FakeStep } from './format.js';
import { floodChunks } from './stderr-flood.js';

export type FakeOutput = 'stdout' | 'stderr' | 'progress';

/** What a player needs from where it runs. */
export interface ScenarioEnvironment {
  sleep(ms: number): Promise<void>;
  /** Resolves once the stream took the chunk (a full pipe makes it wait), or at once when there is no such stream. */
  write(output: FakeOutput, chunk: string | Uint8Array): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  writeFile(path: string, text: string): Promise<void>;
}

/** How the steps ended; the environment acts on it. */
export type ScenarioEnding =
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'crash'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'hang' }
  /** A signal (or a kill) stopped the play; the environment is already exiting. */
  | { readonly kind: 'stopped' };

/** What ffmpeg does on SIGTERM / SIGINT. */
export type SignalReaction =
  | { readonly action: 'ignore'; readonly stderr: string }
  | { readonly action: 'exit'; readonly progress: string; readonly stderr: string; readonly exitCode: number }
  /** Already exiting: nothing more. */
  | { readonly action: 'none' };

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGINT: 2, SIGTERM: 15 };
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOSPC: 'No space left on device',
  EISDIR: 'Is a directory',
};

export class ScenarioPlayer {
  readonly #scenario: FakeFfmpegScenario;
  readonly #args: readonly string[];
  readonly #env: ScenarioEnvironment;
  #lastBlock: FakeBlock = ZERO_BLOCK;
  /** A signal or a kill is ending the run: steps write nothing more. */
  #stopping = false;

  constructor(scenario: FakeFfmpegScenario, args: readonly string[], env: ScenarioEnvironment) {
    this.#scenario = scenario;
    this.#args = args;
    this.#env = env;
  }

  /** Plays every step in order; running out of steps is `exit 0`. */
  async play(): Promise<ScenarioEnding> {
    for (const step of this.#scenario.steps) {
      if (this.#stopping) break;
      const ending = await this.#playStep(step);
      if (ending) return ending;
    }
    return this.#stopping ? { kind: 'stopped' } : { kind: 'exit', code: 0 };
  }

  /** The run is over (killed): no step writes anything more. */
  halt(): void {
    this.#stopping = true;
  }

  /** Like ffmpeg: write the last report as `progress=end`, then the exit message, then exit 255 (or ignore it). */
  reactToSignal(signal: 'SIGTERM' | 'SIGINT'): SignalReaction {
    const number = SIGNAL_NUMBERS[signal] ?? 15;
    if (this.#scenario.onSigterm === 'ignore') {
      return { action: 'ignore', stderr: `fake ffmpeg: received signal ${number}, ignoring it (blocked in read()).\n` };
    }
    if (this.#stopping) return { action: 'none' };
    this.#stopping = true;
    return {
      action: 'exit',
      progress: renderBlock(this.#lastBlock, true),
      stderr: `Exiting normally, received signal ${number}.\n`,
      exitCode: this.#scenario.exitCodeOnSignal ?? 255,
    };
  }

  async #playStep(step: FakeStep): Promise<ScenarioEnding | undefined> {
    if ('wait' in step) await this.#env.sleep(step.wait);
    else if ('progress' in step) await this.#writeBlock(resolveBlock(step.progress, this.#lastBlock), step.progress.end === true);
    else if ('advance' in step) {
      for (let i = 0; i < step.advance.count && !this.#stopping; i++) {
        await this.#env.sleep(step.advance.everyMs);
        await this.#writeBlock(advanceBlock(this.#lastBlock, step.advance), false);
      }
    } else if ('frozen' in step) {
      for (let i = 0; i < step.frozen.count && !this.#stopping; i++) {
        await this.#env.sleep(step.frozen.everyMs);
        await this.#writeBlock(this.#lastBlock, false);
      }
    } else if ('stderr' in step) await this.#write('stderr', step.raw ? step.stderr : `${step.stderr}\n`);
    else if ('stdout' in step) await this.#write('stdout', step.stdout);
    else if ('stderrFlood' in step) {
      for (const chunk of floodChunks(step.stderrFlood.bytes, step.stderrFlood.newlines !== false)) {
        if (this.#stopping) break;
        await this.#env.write('stderr', chunk);
      }
    } else if ('writeOutput' in step) return this.#writeOutput((file) => this.#env.copyFile(step.writeOutput.from, file), () => readFile(step.writeOutput.from));
    else if ('writeOutputText' in step) return this.#writeOutput((file) => this.#env.writeFile(file, step.writeOutputText), async () => step.writeOutputText);
    else if ('exit' in step) return this.#stopping ? undefined : { kind: 'exit', code: step.exit };
    else if ('crash' in step) return this.#stopping ? undefined : { kind: 'crash', signal: step.crash };
    else if ('hang' in step) return { kind: 'hang' };
    else throw new Error(`unknown scenario step ${JSON.stringify(step)}`);
    return undefined;
  }

  async #writeBlock(block: FakeBlock, end: boolean): Promise<void> {
    if (this.#stopping) return;
    this.#lastBlock = block;
    await this.#env.write('progress', renderBlock(block, end));
  }

  #write(output: FakeOutput, text: string | Uint8Array): Promise<void> {
    return this.#stopping ? Promise.resolve() : this.#env.write(output, text);
  }

  /**
   * Writes the output where the last argument says: a file, or stdout (`-`, `pipe:1`); nothing
   * for another pipe. A failed write ends the run like ffmpeg: `<output>: <reason>` and exit 1.
   */
  async #writeOutput(toFile: (file: string) => Promise<void>, content: () => Promise<string | Uint8Array>): Promise<ScenarioEnding | undefined> {
    if (this.#stopping) return undefined;
    const target = outputTarget(this.#args);
    try {
      if (target === 'stdout') await this.#write('stdout', await content());
      else if (target !== undefined) await toFile(target.file);
      return undefined;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      const reason = ERRNO_TEXT[code] ?? (error as Error).message;
      await this.#env.write('stderr', `${this.#args.at(-1) ?? 'output'}: ${reason}\n`);
      return { kind: 'exit', code: 1 };
    }
  }
}
