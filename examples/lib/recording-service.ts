/**
 * A host's code under test (used by `host-unit-test.test.ts`): remux a recording on request,
 * count stalls in a metric, answer 503 with `Retry-After` until the MP4 is ready.
 * `spawn` and `clock` are the only seams its tests need; production leaves them out.
 */
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { type Clock, FfmpegError, FfmpegSupervisor, type SpawnFunction } from 'ffmpeg-supervisor';

/** The metric the service feeds; a prom-client `Counter` fits. */
export interface StallCounter {
  inc(): void;
}

export interface RecordingServiceOptions {
  readonly recordingsDir: string;
  readonly cacheDir: string;
  readonly stallsTotal: StallCounter;
  readonly ffmpegPath?: string;
  readonly spawn?: SpawnFunction;
  readonly clock?: Clock;
}

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export class RecordingService {
  readonly #options: RecordingServiceOptions;
  readonly #jobs = new Map<string, Promise<void>>();
  readonly #stalled = new Set<string>();

  constructor(options: RecordingServiceOptions) {
    this.#options = options;
  }

  /** `GET /recordings/{id}/stream.mp4`, minus the HTTP framework. */
  handle(id: string): Reply {
    const input = path.join(this.#options.recordingsDir, `${id}.ts`);
    const output = path.join(this.#options.cacheDir, `${id}.mp4`);
    if (existsSync(output)) return { status: 200, headers: { 'content-type': 'video/mp4' }, body: output };
    if (!existsSync(input)) return { status: 404, headers: {}, body: 'no such recording' };
    if (this.#stalled.has(id)) return { status: 503, headers: { 'retry-after': '300' }, body: 'the remux stalled; try later' };
    if (!this.#jobs.has(id)) this.#jobs.set(id, this.#remux(id, input, output));
    return { status: 503, headers: { 'retry-after': '5' }, body: 'remuxing' };
  }

  /** Resolves once every running remux has ended. */
  async idle(): Promise<void> {
    await Promise.all(this.#jobs.values());
  }

  async #remux(id: string, input: string, output: string): Promise<void> {
    const temp = path.join(this.#options.cacheDir, `.${id}.part.mp4`);
    const { ffmpegPath, spawn, clock } = this.#options;
    const supervisor = new FfmpegSupervisor({ args: ['-i', `file:${input}`, '-c', 'copy', '-f', 'mp4', `file:${temp}`], ffmpegPath, spawn, clock });
    supervisor.on('stall', () => this.#options.stallsTotal.inc());
    try {
      await supervisor.run();
      await rename(temp, output);
    } catch (error) {
      if (error instanceof FfmpegError && error.code === 'ERR_FFMPEG_STALLED') this.#stalled.add(id);
      await rm(temp, { force: true });
    } finally {
      this.#jobs.delete(id);
    }
  }
}
