import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TypedEmitter } from 'tiny-typed-emitter';
import { MODERN_FFMPEG_CAPABILITIES, probeCapabilities } from '../supervisor/capabilities.js';
import { type TimerClock, systemClock, validateClock } from '../supervisor/clock.js';
import { FfmpegError } from '../supervisor/errors.js';
import { registerTempFile } from '../supervisor/host-exit.js';
import { resolveSupervisorOptions } from '../supervisor/options.js';
import type { FfmpegOutcome } from '../supervisor/outcome.js';
import { resolveFfmpegPath, resolveFfprobePath } from '../supervisor/resolve-path.js';
import { FfmpegSupervisor } from '../supervisor/supervisor.js';
import { buildStrategyArgs, STRATEGY_TABLE, type StrategyInput } from './build-strategy-args.js';
import { classifyRemuxError, isClassifierLine, remuxErrorKindForOutcome } from './classify-remux-error.js';
import { buildConcatList } from './concat-list.js';
import { decideStrategy } from './decide-strategy.js';
import { RemuxError } from './errors.js';
import type { RemuxAttempt, RemuxLadderEvents, RemuxLadderOptions, RemuxRequest, RemuxResult } from './ladder-types.js';
import { fileSize, findOutputProblem, removeQuietly, tempPathFor } from './output-file.js';
import { type ProbeMediaOptions, probeMedia } from './probe-media.js';
import { type FailRemux, requireDirectory, totalSizeOf, validateRequest } from './remux-request.js';
import { writeFailureSidecar, writeSuccessSidecars } from './sidecars.js';
import { remuxDeadlineMs } from './remux-deadline.js';
import type { EncoderReport } from './encoder-fallback.js';
import { lowerProcessPriority } from './process-priority.js';
import { runTranscodeAttempt } from './transcode-attempt.js';
import { resolveTranscodeOptions } from './transcode-options.js';
import type { TranscodeVideoArgs } from './video-encoder.js';
import type { ProbeResult, RemuxStrategy, RunnableStrategyDecision } from './types.js';

/** stderr lines the classifier may need, kept from the whole run (the tail alone can miss them). */
const MAX_CLASSIFIER_LINES = 200;

/**
 * Turns recordings (MPEG-TS, often damaged) into a browser-playable MP4: probe, decide, run
 * supervised, classify, climb to `fallback` or `transcode` when that can help, never climb on
 * a stall, a deadline, an abort or a spawn failure, and rename only a checked file into place.
 */
export class RemuxLadder extends TypedEmitter<RemuxLadderEvents> {
  readonly #options: RemuxLadderOptions;
  readonly #clock: TimerClock;

  constructor(options: RemuxLadderOptions = {}) {
    super();
    // Validate the supervisor options up front, so a bad value fails here and not mid-remux.
    resolveSupervisorOptions({ args: [], ...pickSupervisorOptions(options) });
    resolveTranscodeOptions(options.transcode);
    this.#options = options;
    this.#clock = options.clock === undefined ? systemClock : validateClock(options.clock);
  }

  async remux(request: RemuxRequest): Promise<RemuxResult> {
    const { inputs, output } = validateRequest(request);
    const transcode = resolveTranscodeOptions(this.#options.transcode, request.transcode, 'request.transcode');
    const startedAt = this.#clock.now();
    const attempts: RemuxAttempt[] = [];
    const fail = (kind: RemuxError['kind'], message: string, extra: { outcome?: FfmpegOutcome; cause?: unknown } = {}) =>
      new RemuxError(message, { kind, attempts, ...extra });

    if (request.signal?.aborted) throw fail('aborted', 'remux aborted before it started', { cause: request.signal.reason });
    const injected = this.#options.spawn !== undefined;
    const ffmpegPath = injected && !this.#options.ffmpegPath ? 'ffmpeg' : resolveFfmpegPath(this.#options.ffmpegPath);
    const ffprobePath = injected && !this.#options.ffprobePath ? 'ffprobe' : resolveFfprobePath(this.#options.ffprobePath);
    const totalBytes = await totalSizeOf(inputs, fail);
    await requireDirectory(dirname(output), fail);
    const deadlineAt = startedAt + (request.timeoutMs ?? remuxDeadlineMs(totalBytes));
    const remainingMs = () => Math.max(1, deadlineAt - this.#clock.now());

    const probes = await this.#probeAll(inputs, ffprobePath, request.signal, remainingMs, fail);
    const decision = decideStrategy(probes[0] as ProbeResult);
    this.emit('decision', decision);
    if (decision.strategy === 'unsupported') throw fail('codec_unsupported', `cannot make ${decision.videoCodec} browser-playable: ${decision.reason}`);

    // An injected spawn has no binary to probe: assume a modern ffmpeg unless told otherwise.
    const capabilities =
      this.#options.capabilities ??
      (injected ? MODERN_FFMPEG_CAPABILITIES : undefined) ??
      (await probeCapabilities(ffmpegPath).catch((error: unknown) => {
        throw fail('spawn_failed', `ffmpeg could not be started (${(error as NodeJS.ErrnoException).code ?? 'error'}): ${(error as Error).message}`, { cause: error });
      }));
    const listPath = inputs.length > 1 ? tempPathFor(output, 'concat').replace(/\.[^.]+$/, '.txt') : undefined;
    const input: StrategyInput = listPath ? { kind: 'concat', listPath } : { kind: 'file', path: inputs[0] as string };
    const expectedDurationSec = sumDurations(probes);
    const unregisterList = listPath ? registerTempFile(listPath) : undefined;
    try {
      if (listPath) await writeFile(listPath, buildConcatList(inputs));
      let strategy: RemuxStrategy | undefined = decision.strategy;
      while (strategy) {
        const temp = tempPathFor(output);
        const unregisterTemp = registerTempFile(temp);
        try {
          const rung: RemuxStrategy = strategy;
          const runOnce = (transcodeVideo?: TranscodeVideoArgs, encoder?: EncoderReport) => {
            const args = buildStrategyArgs(rung, { input, output: temp, capabilities, hasVideo: decision.hasVideo, logLevel: this.#options.logLevel, transcodeVideo });
            return this.#runAttempt(rung, args, attempts.length, {
              ffmpegPath,
              signal: request.signal,
              timeoutMs: remainingMs(),
              expectedDurationSec: expectedOutputSec(expectedDurationSec, rung),
              nice: rung === 'transcode' && !injected ? transcode.nice : undefined,
            }, encoder);
          };
          // The transcode rung may start a hardware encoder that falls back to libx264 within the attempt.
          const attempt = rung === 'transcode' && decision.hasVideo
            ? await runTranscodeAttempt({ settings: transcode, ffmpegPath, capabilities, canReadEncoderList: !injected }, runOnce)
            : await runOnce();
          const checked = attempt.kind === 'none' ? await this.#checkOutput(attempt, temp, ffprobePath, decision, probes, expectedDurationSec, request.signal, remainingMs) : attempt;
          attempts.push(checked);
          this.emit('attemptEnd', checked);
          if (checked.kind === 'none') {
            await rename(temp, output);
            if (this.#options.sidecars) await writeSuccessSidecars(output, checked, decision);
            return { output, strategy, decision, attempts, probes, durationMs: this.#clock.now() - startedAt, ...(checked.encoder ? { encoder: checked.encoder } : {}) };
          }
          strategy = nextStrategy(strategy, checked);
          if (!strategy) throw this.#failure(checked, attempts);
        } finally {
          await removeQuietly(temp);
          unregisterTemp();
        }
      }
      throw fail('generic', 'the ladder ended without a result');
    } catch (error) {
      if (error instanceof RemuxError && this.#options.sidecars) await writeFailureSidecar(output, error);
      throw error;
    } finally {
      await removeQuietly(listPath);
      unregisterList?.();
    }
  }

  async #probeAll(
    inputs: readonly string[],
    ffprobePath: string,
    signal: AbortSignal | undefined,
    remainingMs: () => number,
    fail: FailRemux,
  ): Promise<ProbeResult[]> {
    const probes: ProbeResult[] = [];
    for (const path of inputs) {
      try {
        probes.push(await probeMedia(path, this.#probeOptions(ffprobePath, signal, remainingMs)));
      } catch (error) {
        const outcome = (error as FfmpegError).outcome;
        const kind = outcome?.reason === 'aborted' ? 'aborted' : 'spawn_failed';
        throw fail(kind, (error as Error).message, {
          outcome,
          cause: error,
        });
      }
    }
    return probes;
  }

  async #runAttempt(
    strategy: RemuxStrategy,
    args: string[],
    index: number,
    run: { ffmpegPath: string; signal: AbortSignal | undefined; timeoutMs: number; expectedDurationSec: number | undefined; nice: number | undefined },
    encoder?: EncoderReport,
  ): Promise<RemuxAttempt> {
    this.emit('attempt', { strategy, args, index, ...(encoder ? { encoder } : {}) });
    const supervisor = new FfmpegSupervisor({
      ...pickSupervisorOptions(this.#options),
      ffmpegPath: run.ffmpegPath,
      args,
      signal: run.signal,
      timeoutMs: run.timeoutMs,
      expectedDurationUs: run.expectedDurationSec === undefined ? undefined : Math.round(run.expectedDurationSec * 1e6),
    });
    const classifierLines: string[] = [];
    const { nice } = run;
    if (nice !== undefined) supervisor.on('spawn', ({ pid }) => pid !== undefined && lowerProcessPriority(pid, nice));
    supervisor.on('progress', (progress) => this.emit('progress', { ...progress, strategy }));
    supervisor.on('stall', (stall) => this.emit('stall', { ...stall, strategy }));
    supervisor.on('stderr', (line) => {
      if (classifierLines.length < MAX_CLASSIFIER_LINES && isClassifierLine(line)) classifierLines.push(line);
    });
    let error: FfmpegError | undefined;
    const outcome = await supervisor.run().catch((caught: unknown) => {
      if (!(caught instanceof FfmpegError) || !caught.outcome) throw caught;
      error = caught;
      return caught.outcome;
    });
    const ownKind = remuxErrorKindForOutcome(outcome.reason);
    const classification = ownKind ? undefined : classifyRemuxError(`${classifierLines.join('\n')}\n${outcome.stderrTail}`, outcome.exitCode);
    return {
      strategy,
      args,
      outcome,
      kind: ownKind ?? classification?.kind ?? 'generic',
      classification,
      durationMs: outcome.durationMs,
      stderrTail: outcome.stderrTail,
      error,
      ...(encoder ? { encoder } : {}),
    };
  }

  async #checkOutput(
    attempt: RemuxAttempt,
    temp: string,
    ffprobePath: string,
    decision: RunnableStrategyDecision,
    probes: readonly ProbeResult[],
    expectedDurationSec: number | undefined,
    signal: AbortSignal | undefined,
    remainingMs: () => number,
  ): Promise<RemuxAttempt> {
    let probe: ProbeResult;
    try {
      probe = await probeMedia(temp, this.#probeOptions(ffprobePath, signal, remainingMs));
    } catch (caught) {
      // Aborted (or ffprobe vanished) while checking: the attempt did not deliver a checked file.
      const reason = (caught as FfmpegError).outcome?.reason;
      return { ...attempt, kind: reason === 'aborted' ? 'aborted' : 'spawn_failed', error: caught as FfmpegError };
    }
    const problem = findOutputProblem(probe, await fileSize(temp), {
      hasVideo: decision.hasVideo && !decision.probeFailed,
      hasAudio: (probes[0]?.audioTrackCount ?? 0) > 0,
      expectedDurationSec,
    });
    if (!problem) return attempt;
    return { ...attempt, kind: 'output_invalid', stderrTail: `${attempt.stderrTail}\n[output check] ${problem}` };
  }

  /** Every ffprobe run (inputs and the output check): supervised, within the overall deadline. */
  #probeOptions(ffprobePath: string, signal: AbortSignal | undefined, remainingMs: () => number): ProbeMediaOptions {
    return {
      ffprobePath,
      timeoutMs: Math.min(this.#options.probeTimeoutMs ?? 60_000, remainingMs()),
      killGraceMs: this.#options.killGraceMs,
      signal,
      clock: this.#options.clock,
      spawn: this.#options.spawn,
      parentDeathSignal: this.#options.parentDeathSignal,
    };
  }

  #failure(attempt: RemuxAttempt, attempts: readonly RemuxAttempt[]): RemuxError {
    const detail = attempt.classification?.matchedLine ?? lastLine(attempt.stderrTail) ?? attempt.outcome.reason;
    return new RemuxError(`remux failed (${attempt.kind}) in strategy ${attempt.strategy}: ${detail}`, {
      kind: attempt.kind === 'none' ? 'generic' : attempt.kind,
      attempts,
      outcome: attempt.outcome,
      cause: attempt.error,
    });
  }

}

/** The next rung after a failed attempt, or `undefined` to stop. */
export function nextStrategy(current: RemuxStrategy, attempt: RemuxAttempt): RemuxStrategy | undefined {
  const classification = attempt.classification;
  if (!classification) return undefined; // stalled, timeout, aborted, spawn_failed: never climb
  if (current === 'default' && classification.retryWithFallback) return 'fallback';
  if (current === 'fallback' && classification.retryWithTranscode) return 'transcode';
  return undefined;
}

function pickSupervisorOptions(options: RemuxLadderOptions) {
  return {
    stallTimeoutMs: options.stallTimeoutMs,
    startupGraceMs: options.startupGraceMs,
    killGraceMs: options.killGraceMs,
    clock: options.clock,
    spawn: options.spawn,
    parentDeathSignal: options.parentDeathSignal,
  };
}

function sumDurations(probes: readonly ProbeResult[]): number | undefined {
  let total = 0;
  for (const probe of probes) {
    if (probe.durationSec === undefined) return undefined;
    total += probe.durationSec;
  }
  return total;
}

/** The output a strategy should produce: the inputs less what it skips (`-ss 1` on default), so percent reaches 100. */
function expectedOutputSec(inputSec: number | undefined, strategy: RemuxStrategy): number | undefined {
  if (inputSec === undefined) return undefined;
  const skippedSec = STRATEGY_TABLE.find((spec) => spec.strategy === strategy)?.seekInputSec ?? 0;
  return Math.max(inputSec - skippedSec, inputSec / 2);
}

function lastLine(text: string): string | undefined {
  return text.split('\n').map((line) => line.trim()).filter(Boolean).at(-1);
}
