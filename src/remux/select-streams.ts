import type { DroppedStreamReason, ProbedStream, ProbeResult } from './types.js';

/**
 * Which audio tracks go into the MP4: the main one (default), every usable one, or the usable
 * ones in the given languages (ISO 639-2 tags as in the recording, `deu`, `eng`; the main track
 * when none matches).
 */
export type AudioTrackPolicy = 'main' | 'all' | { readonly languages: readonly string[] };

/** Checks an `audioTracks` value; a `TypeError` names the option and shows the bad value. */
export function validateAudioTrackPolicy(value: unknown, name = 'audioTracks'): AudioTrackPolicy | undefined {
  if (value === undefined || value === 'main' || value === 'all') return value;
  const languages = (value as { languages?: unknown } | null)?.languages;
  if (typeof value === 'object' && Array.isArray(languages) && languages.length > 0 && languages.every((l) => typeof l === 'string' && l !== '')) {
    return value as AudioTrackPolicy;
  }
  throw new TypeError(`The \`${name}\` option must be 'main', 'all' or { languages: [non-empty strings] }; got ${JSON.stringify(value)}.`);
}

/** A stream left out of the output, and why. */
export interface DroppedStream {
  readonly index: number;
  readonly codecType: string;
  readonly codecName: string;
  readonly id?: string;
  readonly reason: DroppedStreamReason;
}

/** The streams the ladder maps (by absolute index), and the ones it left out. */
export interface StreamChoice {
  /** The video stream, absent for radio. */
  readonly video?: ProbedStream;
  /** The audio tracks in output order: the main track first. */
  readonly audio: readonly ProbedStream[];
  readonly dropped: readonly DroppedStream[];
  /** The program (`program_id`) the streams come from, for multi-program captures. */
  readonly programId?: number;
}

const isVideo = (s: ProbedStream) => s.codecType === 'video' && !s.attachedPicture;
/** A PID declared in the PMT but carrying no packets has no dimensions / no sample rate. */
const hasVideoParameters = (s: ProbedStream) => (s.width ?? 0) > 0 && (s.height ?? 0) > 0;
const hasAudioParameters = (s: ProbedStream) => (s.sampleRate ?? 0) > 0 && (s.channels ?? 0) > 0;
const isMainAudio = (s: ProbedStream) => !s.visualImpaired && !s.cleanEffects && !s.hearingImpaired;

/**
 * Pure: chooses the streams of a probed recording.
 *
 * - Video: the largest stream that has parameters (width and height), not an attached picture.
 * - Audio: tracks with parameters (sample rate, channels) from the same program as the video
 *   (any program when the streams list none); the main track is the first that is not audio
 *   description (`visual_impaired`), clean effects or hearing impaired, else the first.
 * - Subtitles, teletext, data and SCTE-35 PIDs, attachments and declared-but-empty PIDs are
 *   dropped, each with its reason.
 */
export function selectStreams(probe: ProbeResult, policy: AudioTrackPolicy = 'main'): StreamChoice {
  const streams = probe.streams ?? [];
  const dropped: DroppedStream[] = [];
  const drop = (s: ProbedStream, reason: DroppedStreamReason) =>
    dropped.push({ index: s.index, codecType: s.codecType, codecName: s.codecName, ...(s.id !== undefined && { id: s.id }), reason });

  const videos = streams.filter((s) => isVideo(s) && hasVideoParameters(s));
  const video = [...videos].sort((a, b) => area(b) - area(a))[0];
  const audios = streams.filter((s) => s.codecType === 'audio' && hasAudioParameters(s));
  const programId = chooseProgram(video, audios);
  const inProgram = (s: ProbedStream) => programId === undefined || s.programIds.length === 0 || s.programIds.includes(programId);
  const candidates = audios.filter(inProgram);
  const ranked = [...candidates.filter(isMainAudio), ...candidates.filter((s) => !isMainAudio(s))];
  const audio = pickAudio(ranked, policy);

  for (const s of streams) {
    if (s === video || audio.includes(s)) continue;
    if (s.codecType === 'video' && s.attachedPicture) drop(s, 'attached_picture');
    else if (s.codecType !== 'video' && s.codecType !== 'audio') drop(s, 'not_audio_or_video');
    else if (s.codecType === 'video' ? !hasVideoParameters(s) : !hasAudioParameters(s)) drop(s, 'no_parameters');
    else if (!inProgram(s)) drop(s, 'other_program');
    else if (s.codecType === 'video') drop(s, 'extra_video');
    else if (s.visualImpaired) drop(s, 'audio_description');
    else if (s.cleanEffects) drop(s, 'clean_effects');
    else if (typeof policy === 'object') drop(s, 'language_not_wanted');
    else drop(s, 'not_main_audio');
  }
  return { ...(video && { video }), audio, dropped, ...(programId !== undefined && { programId }) };
}

function pickAudio(ranked: readonly ProbedStream[], policy: AudioTrackPolicy): ProbedStream[] {
  if (ranked.length === 0) return [];
  if (policy === 'all') return [...ranked];
  if (typeof policy === 'object') {
    const wanted = policy.languages.map((language) => language.toLowerCase());
    const matching = ranked.filter((s) => s.language !== undefined && wanted.includes(s.language.toLowerCase()));
    if (matching.length > 0) return matching;
  }
  return [ranked[0] as ProbedStream];
}

/** The video's program (the one that also has usable audio, when it is in several); for radio, the first audio's. */
function chooseProgram(video: ProbedStream | undefined, audios: readonly ProbedStream[]): number | undefined {
  const anchor = video ?? audios[0];
  if (anchor === undefined || anchor.programIds.length === 0) return undefined;
  return anchor.programIds.find((id) => audios.some((a) => a.programIds.includes(id))) ?? anchor.programIds[0];
}

function area(s: ProbedStream): number {
  return (s.width ?? 0) * (s.height ?? 0);
}

/** One line naming what a recording holds, for a `no_playable_streams` message. */
export function describeStreams(streams: readonly ProbedStream[]): string {
  if (streams.length === 0) return 'no streams';
  return streams
    .map((s) => {
      const params = s.codecType === 'video' ? hasVideoParameters(s) : s.codecType === 'audio' ? hasAudioParameters(s) : true;
      return `#${s.index} ${s.codecType} ${s.codecName}${s.id ? ` (${s.id})` : ''}${params ? '' : ' without parameters (no packets)'}`;
    })
    .join(', ');
}
