import { rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { TypedEmitter } from 'tiny-typed-emitter';
import { MODERN_FFMPEG_CAPABILITIES } from '../supervisor/capabilities.js';
import { type TimerClock, systemClock, validateClock } from '../supervisor/clock.js';
import { FfmpegError } from '../supervisor/errors.js';
import { registerTempFile } from '../supervisor/host-exit.js';
import { resolveSupervisorOptions } from '../supervisor/options.js';
import type { FfmpegOutcome } from '../supervisor/outcome.js';
import { resolveFfmpegPath, resolveFfprobePath } from '../supervisor/resolve-path.js';
import { FfmpegSupervisor } from '../supervisor/supervisor.js';
import { buildStrategyArgs, DEINTERLACE_FILTER, type StrategyInput } from './build-strategy-args.js';
import { classifyRemuxError, isClassifierLine, remuxErrorKindForOutcome } from './classify-remux-error.js';
import { buildConcatList } from './concat-list.js';
import { RemuxError } from './errors.js';
import type { RemuxAttempt, RemuxLadderEvents, RemuxLadderOptions, RemuxRequest, RemuxResult } from './ladder-types.js';
import { type MediaDuration, mediaDurationOf } from './media-duration.js';
import { watchOutputActivity } from './output-activity.js';
import { checkOutput, fileSize, removeQuietly, tempPathFor } from './output-file.js';
import { type ProbeMediaOptions, probeMedia } from './probe-media.js';
import { ProgressView } from './progress-view.js';
import { probeResultOfMp4, readMp4Movie } from './read-mp4.js';
import { attemptBudgetMs } from './remux-budget.js';
import { type FailRemux, requireDirectory, requireFreeSpace, requireOutputPath, totalSizeOf, validateRequest } from './remux-request.js';
import { capabilitiesFor, inspectInputs } from './remux-preflight.js';
import { validateAudioTrackPolicy } from './select-streams.js';
import { writeFailureSidecar, writeSuccessSidecars } from './sidecars.js';
import type { EncoderReport } from './encoder-fallback.js';
import { lowerProcessPriority } from './process-priority.js';
import { runTranscodeAttempt } from './transcode-attempt.js';
import { resolveTranscodeOptions } from './transcode-options.js';
import type { TranscodeVideoArgs } from './video-encoder.js';
import type { ProbeResult, RemuxStrategy, RunnableStrategyDecision } from './types.js';
import type { EventEmitter } from 'node:events';
import { deliverEvent } from '../supervisor/deliver-event.js';
import { isInProcessSpawn } from '../supervisor/options.js';

/** How often the output file is looked at for signs of life (at most a quarter of the stall timeout). */
const ACTIVITY_INTERVAL_MS = 1_000;

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
    validateAudioTrackPolicy(options.audioTracks);
    resolveTranscodeOptions(options.transcode);
    this.#options = options;
    this.#clock = options.clock === undefined ? systemClock : validateClock(options.clock);
  }

  async remux(request: RemuxRequest): Promise<RemuxResult> {
    const { inputs, output, id } = validateRequest(request);
    const transcode = resolveTranscodeOptions(this.#options.transcode, request.transcode, 'request.transcode');
    const startedAt = this.#clock.now();
    const attempts: RemuxAttempt[] = [];
    const fail: FailRemux = (kind, message, extra = {}) => new RemuxError(message, { kind, attempts, id, ...extra });
    const { signal } = request;

    if (signal?.aborted) throw fail('aborted', 'remux aborted before it started', { cause: signal.reason });
    // The kit's in-process fake needs no binary; a spawn of the host's own (a wrapper) still does.
    const injected = isInProcessSpawn(this.#options.spawn);
    const lookUp = this.#options.resolveBinary !== false && !injected;
    const ffmpegPath = lookUp ? resolveFfmpegPath(this.#options.ffmpegPath) : (this.#options.ffmpegPath ?? 'ffmpeg');
    const ffprobePath = lookUp ? resolveFfprobePath(this.#options.ffprobePath) : (this.#options.ffprobePath ?? 'ffprobe');
    const totalBytes = await totalSizeOf(inputs, fail);
    await requireDirectory(dirname(output), fail);
    await requireOutputPath(inputs, output, fail);
    const overallDeadlineAt = request.timeoutMs === undefined ? undefined : startedAt + request.timeoutMs;
    const remainingMs = () => (overallDeadlineAt === undefined ? Number.POSITIVE_INFINITY : Math.max(1, overallDeadlineAt - this.#clock.now()));
    const probeOptions = () => this.#probeOptions(ffprobePath, signal, remainingMs);

    // The capability probe (two `ffmpeg` runs, cached per binary) runs beside the input probes.
    const [inspected, capabilities] = await Promise.all([
      inspectInputs(inputs, { audioTracks: request.audioTracks ?? this.#options.audioTracks, probeOptions, fail }),
      capabilitiesFor(ffmpegPath, {
        // The in-process fake has no binary to probe: assume a modern ffmpeg unless told otherwise.
        known: this.#options.capabilities ?? (injected ? MODERN_FFMPEG_CAPABILITIES : undefined),
        signal,
        fail,
      }),
    ]);
    const { probes, decision, videoStartSec } = inspected;
    this.#deliver('decision', { ...decision, id });
    if (decision.strategy === 'unsupported') throw fail(decision.kind, `cannot make a browser-playable MP4: ${decision.reason}`);
    const media = mediaDurationOf(probes, decision.streams, totalBytes);
    // A copy needs about the input's size free; a transcode's size is unknown, so only a full disk is refused.
    await requireFreeSpace(output, decision.strategy === 'transcode' ? 0 : totalBytes, fail);

    const listPath = inputs.length > 1 ? tempPathFor(output, 'concat').replace(/\.[^.]+$/, '.txt') : undefined;
    const input: StrategyInput = listPath ? { kind: 'concat', listPath } : { kind: 'file', path: inputs[0] as string };
    const unregisterList = listPath ? registerTempFile(listPath) : undefined;
    try {
      if (listPath) await writeFile(listPath, buildConcatList(inputs));
      let strategy: RemuxStrategy | undefined = decision.strategy;
      while (strategy) {
        const temp = tempPathFor(output);
        const unregisterTemp = registerTempFile(temp);
        try {
          const rung: RemuxStrategy = strategy;
          const budgetMs = attemptBudgetMs(rung, totalBytes, media.trusted ? media.durationSec : undefined);
          const runOnce = (transcodeVideo?: TranscodeVideoArgs, encoder?: EncoderReport) => {
            const args = buildStrategyArgs(rung, {
              input,
              output: temp,
              capabilities,
              hasVideo: decision.hasVideo,
              logLevel: this.#options.logLevel,
              streams: decision.streams,
              videoStartSec,
              isMpegTs: decision.isMpegTs,
              transcodeVideo,
            });
            return this.#runAttempt(rung, args, attempts.length, {
              id,
              temp,
              ffmpegPath,
              signal,
              timeoutMs: Math.min(budgetMs, remainingMs()),
              media,
              nice: rung === 'transcode' && !injected ? transcode.nice : undefined,
              encoder,
            });
          };
          // The transcode rung may start a hardware encoder that falls back to libx264 within the attempt.
          const filters = decision.streams?.video?.interlaced ? [DEINTERLACE_FILTER] : [];
          const attempt =
            rung === 'transcode' && decision.hasVideo
              ? await runTranscodeAttempt({ settings: transcode, ffmpegPath, capabilities, filters }, runOnce)
              : await runOnce();
          const checked = attempt.kind === 'none' ? await this.#checkOutput(attempt, temp, decision, media, videoStartSec, probeOptions()) : attempt;
          attempts.push(checked);
          this.#deliver('attemptEnd', checked);
          if (checked.kind === 'none') {
            await rename(temp, output);
            if (this.#options.sidecars) await writeSuccessSidecars(output, checked, decision);
            return {
              id,
              output,
              strategy,
              decision,
              attempts,
              probes,
              durationMs: this.#clock.now() - startedAt,
              media: { durationSec: media.durationSec, trusted: media.trusted, videoStartSec },
              ...(checked.encoder ? { encoder: checked.encoder } : {}),
            };
          }
          strategy = nextStrategy(strategy, checked);
          if (!strategy) throw this.#failure(checked, attempts, id);
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

  async #runAttempt(
    strategy: RemuxStrategy,
    args: string[],
    index: number,
    run: {
      id: string;
      temp: string;
      ffmpegPath: string;
      signal: AbortSignal | undefined;
      timeoutMs: number;
      media: MediaDuration;
      nice: number | undefined;
      encoder: EncoderReport | undefined;
    },
  ): Promise<RemuxAttempt> {
    const { id, encoder, nice } = run;
    this.#deliver('attempt', { id, strategy, args, index, ...(encoder ? { encoder } : {}) });
    const supervisor = new FfmpegSupervisor({
      ...pickSupervisorOptions(this.#options),
      ffmpegPath: run.ffmpegPath,
      args,
      signal: run.signal,
      timeoutMs: Number.isFinite(run.timeoutMs) ? run.timeoutMs : undefined,
    });
    const classifierLines: string[] = [];
    if (nice !== undefined) supervisor.on('spawn', ({ pid }) => pid !== undefined && lowerProcessPriority(pid, nice));
    const view = new ProgressView(run.media.trusted ? run.media.durationSec : undefined);
    supervisor.on('progress', (progress) => this.#deliver('progress', { ...view.next(progress), id, strategy }));
    supervisor.on('stall', (stall) => this.#deliver('stall', { ...stall, id, strategy }));
    // The +faststart pass prints nothing while it rewrites the file: its writes count as progress.
    let stopWatching = () => {};
    supervisor.once('spawn', () => {
      stopWatching = watchOutputActivity(run.temp, {
        clock: this.#clock,
        intervalMs: Math.min(ACTIVITY_INTERVAL_MS, supervisor.options.stallTimeoutMs / 4),
        onActivity: () => supervisor.reportActivity(),
      });
    });
    supervisor.on('stderr', (line) => {
      if (classifierLines.length < MAX_CLASSIFIER_LINES && isClassifierLine(line)) classifierLines.push(line);
    });
    let error: FfmpegError | undefined;
    const outcome = await supervisor
      .run()
      .catch((caught: unknown) => {
        if (!(caught instanceof FfmpegError) || !caught.outcome) throw caught;
        error = caught;
        return caught.outcome;
      })
      .finally(() => stopWatching());
    const ownKind = remuxErrorKindForOutcome(outcome.reason);
    const classification = ownKind ? undefined : classifyRemuxError(`${classifierLines.join('\n')}\n${outcome.stderrTail}`, outcome.exitCode);
    return {
      id,
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
    decision: RunnableStrategyDecision,
    media: MediaDuration,
    videoStartSec: number | undefined,
    probeOptions: ProbeMediaOptions,
  ): Promise<RemuxAttempt> {
    let probe: ProbeResult;
    try {
      // An MP4 is read in process; anything else (a fragmented file, another container, no `moov`) goes to ffprobe.
      const read = await readMp4Movie(temp);
      probe = read ? probeResultOfMp4(read.movie, read.sizeBytes) : await probeMedia(temp, probeOptions);
      if (probeOptions.signal?.aborted) return { ...attempt, kind: 'aborted' };
    } catch (caught) {
      // Aborted (or ffprobe vanished) while checking: the attempt did not deliver a checked file.
      const reason = (caught as FfmpegError).outcome?.reason;
      return { ...attempt, kind: reason === 'aborted' ? 'aborted' : 'spawn_failed', error: caught as FfmpegError };
    }
    const audioTrackCount = decision.streams ? decision.streams.audio.length : decision.audioTrackCount > 0 ? 1 : 0;
    const problem = checkOutput(probe, await fileSize(temp), {
      hasVideo: decision.hasVideo && !decision.probeFailed,
      hasAudio: audioTrackCount > 0,
      audioTrackCount,
      // What comes before the first keyframe cannot be kept (the audio is trimmed to it too).
      expectedDurationSec: media.trusted && media.durationSec !== undefined ? media.durationSec - (videoStartSec ?? 0) : undefined,
    });
    if (!problem) return attempt;
    // A late, short or missing picture is what the next rungs exist for: let it climb.
    const classification = problem.picture
      ? { ...(attempt.classification ?? classifyRemuxError('', 0)), retryWithFallback: true, retryWithTranscode: true }
      : attempt.classification;
    return { ...attempt, kind: 'output_invalid', classification, stderrTail: `${attempt.stderrTail}\n[output check] ${problem.message}` };
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
      processGroup: this.#options.processGroup,
      reapTimeoutMs: this.#options.reapTimeoutMs,
    };
  }

  /**
   * Emits a ladder event to each listener on its own, as the supervisor does: a throwing
   * listener cannot fail the remux; its exception goes to `onListenerError`, or is rethrown
   * asynchronously.
   */
  #deliver<Name extends keyof RemuxLadderEvents>(event: Name, ...args: Parameters<RemuxLadderEvents[Name]>): void {
    deliverEvent(this as unknown as EventEmitter, event, args, this.#options.onListenerError);
  }

  #failure(attempt: RemuxAttempt, attempts: readonly RemuxAttempt[], id: string): RemuxError {
    const detail = attempt.classification?.matchedLine ?? lastLine(attempt.stderrTail) ?? attempt.outcome.reason;
    return new RemuxError(`remux failed (${attempt.kind}) in strategy ${attempt.strategy}: ${detail}`, {
      kind: attempt.kind === 'none' ? 'generic' : attempt.kind,
      attempts,
      outcome: attempt.outcome,
      cause: attempt.error,
      id,
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
    env: options.env,
    processGroup: options.processGroup,
    reapTimeoutMs: options.reapTimeoutMs,
    // The ladder resolved the binaries itself (or was told not to).
    resolveBinary: false,
  };
}

function lastLine(text: string): string | undefined {
  return text.split('\n').map((line) => line.trim()).filter(Boolean).at(-1);
}
