import { type FfmpegCapabilities, probeCapabilities } from '../supervisor/capabilities.js';
import type { FfmpegError } from '../supervisor/errors.js';
import { decideStrategy } from './decide-strategy.js';
import { INPUT_PROBE_PACKETS, keyframeOffsetSec, parseFirstKeyframe, probeVideoStartSec } from './first-keyframe.js';
import { type FfprobeFailure, type ProbeMediaOptions, probeResultOf, runFfprobe } from './probe-media.js';
import { needsLongAnalysis, probeArgs } from './probe-parse.js';
import type { FailRemux } from './remux-request.js';
import type { AudioTrackPolicy } from './select-streams.js';
import type { ProbeResult, StrategyDecision } from './types.js';

/** What the ladder knows about its inputs before the first attempt. */
export interface InspectedInputs {
  /** The probe of each part, in order. */
  readonly probes: ProbeResult[];
  readonly decision: StrategyDecision;
  /** Seconds from the first part's start to its first video keyframe, when it could be told. */
  readonly videoStartSec: number | undefined;
}

/**
 * Probes every part (ffprobe's own read limits first, the long read when a stream needs it),
 * decides from the first, and finds the chosen video stream's first keyframe: among the packets
 * the first part's probe lists, else by a scan of that stream alone. An abort rejects as
 * `aborted`; an ffprobe that cannot start as `spawn_failed`.
 */
export async function inspectInputs(
  inputs: readonly string[],
  { audioTracks, probeOptions, fail }: { audioTracks: AudioTrackPolicy | undefined; probeOptions: () => ProbeMediaOptions; fail: FailRemux },
): Promise<InspectedInputs> {
  try {
    const { probe: first, answer: firstAnswer } = await probePart(inputs[0] as string, INPUT_PROBE_PACKETS, probeOptions);
    const probes: ProbeResult[] = [first];
    for (const path of inputs.slice(1)) probes.push((await probePart(path, 0, probeOptions)).probe);
    const decision = decideStrategy(first, { audioTracks });
    const videoIndex = decision.streams?.video?.index;
    const listedSec = typeof firstAnswer === 'string' && videoIndex !== undefined ? keyframeOffsetSec(parseFirstKeyframe(firstAnswer, videoIndex), first.startTimeSec) : undefined;
    const videoStartSec =
      decision.strategy === 'unsupported' || videoIndex === undefined
        ? undefined
        : (listedSec ?? (await probeVideoStartSec(inputs[0] as string, videoIndex, first.startTimeSec, probeOptions())));
    return { probes, decision, videoStartSec };
  } catch (error) {
    const outcome = (error as FfmpegError).outcome;
    throw fail(outcome?.reason === 'aborted' ? 'aborted' : 'spawn_failed', (error as Error).message, { outcome, cause: error });
  }
}

/**
 * One part's probe, with its first `packets` packets listed: within ffprobe's own read limits
 * first, and again with the long read when a stream came back without parameters
 * (`needsLongAnalysis`) or ffprobe failed. A timed-out ffprobe (a stuck share) is not run again.
 */
async function probePart(
  path: string,
  packets: number,
  probeOptions: () => ProbeMediaOptions,
): Promise<{ probe: ProbeResult; answer: string | FfprobeFailure }> {
  const quick = await runFfprobe(probeArgs(path, { packets, longAnalysis: false }), probeOptions());
  const quickProbe = probeResultOf(quick);
  const readLonger = typeof quick === 'string' ? needsLongAnalysis(quickProbe) : quick.reason === 'failed';
  if (!readLonger) return { probe: quickProbe, answer: quick };
  const long = await runFfprobe(probeArgs(path, { packets }), probeOptions());
  return { probe: probeResultOf(long), answer: long };
}

/**
 * The binary's capabilities: `known` when given, else probed (`-version`, `-h long`; cached per
 * binary). An abort settles at once with `aborted`; the probe itself ends within its own
 * 15 s limit.
 */
export async function capabilitiesFor(
  ffmpegPath: string,
  { known, signal, fail }: { known: FfmpegCapabilities | undefined; signal: AbortSignal | undefined; fail: FailRemux },
): Promise<FfmpegCapabilities> {
  if (known) return known;
  const probing = probeCapabilities(ffmpegPath).catch((error: unknown) => {
    throw fail('spawn_failed', `ffmpeg could not be started (${(error as NodeJS.ErrnoException).code ?? 'error'}): ${(error as Error).message}`, { cause: error });
  });
  if (!signal) return probing;
  let unsubscribe = () => {};
  const aborted = new Promise<never>((_, reject) => {
    const onAbort = () => reject(fail('aborted', 'remux aborted while probing the ffmpeg binary', { cause: signal.reason }));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    unsubscribe = () => signal.removeEventListener('abort', onAbort);
  });
  aborted.catch(() => {});
  try {
    return await Promise.race([probing, aborted]);
  } finally {
    unsubscribe();
  }
}
