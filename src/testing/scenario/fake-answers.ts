/**
 * Calls the fake answers at once instead of playing the scenario: ffprobe, `-version`,
 * `-encoders` and `-h long` (what capability probes read) and an option this build does not
 * have. Pure.
 */
import { isFfprobeCall, lastPathArgument } from './command-line.js';
import { renderProbeJson } from './fake-ffprobe.js';
import type { FakeFfmpegScenario } from './format.js';

/** A whole run in one answer: what goes to stdout and stderr, then the exit code. */
export interface ImmediateAnswer {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

const HELP_FLAGS = ['-h', '-help', '--help', '-?'];

/** The answer for a call that is not an ffmpeg run, or `undefined` when the scenario should play. */
export function answerWithoutPlaying(scenario: FakeFfmpegScenario, file: string, args: readonly string[]): ImmediateAnswer | undefined {
  if (isFfprobeCall(file, args)) return { exitCode: 0, stdout: renderProbeJson(scenario.probe, lastPathArgument(args)), stderr: '' };
  if (args.includes('-version')) return { exitCode: 0, stdout: versionText(scenario), stderr: '' };
  // Like ffmpeg: the banner on stderr, the list on stdout, and nothing after `-encoders` is read.
  if (args.includes('-encoders')) return { exitCode: 0, stdout: encodersText(scenario), stderr: versionText(scenario) };
  if (args.some((arg) => HELP_FLAGS.includes(arg))) return { exitCode: 0, stdout: helpText(scenario), stderr: '' };
  const unsupported = unsupportedOption(scenario, args);
  if (unsupported === undefined) return undefined;
  return { exitCode: 1, stdout: '', stderr: `Unrecognized option '${unsupported}'.\nError splitting the argument list: Option not found\n` };
}

function unsupportedOption(scenario: FakeFfmpegScenario, args: readonly string[]): string | undefined {
  const caps = scenario.capabilities;
  if (caps?.statsPeriod === false && args.includes('-stats_period')) return 'stats_period';
  if (caps?.fpsMode === false && args.includes('-fps_mode')) return 'fps_mode';
  return undefined;
}

function versionText(scenario: FakeFfmpegScenario): string {
  const version = scenario.capabilities?.version ?? 'fake-5.1';
  return [
    `ffmpeg version ${version} Copyright (c) 2000-2022 the FFmpeg developers`,
    `built with node ${process.version} (ffmpeg-supervisor fake ffmpeg)`,
    'configuration: --fake',
    'libavutil      57. 28.100 / 57. 28.100',
    'libavformat    59. 27.100 / 59. 27.100',
    '',
  ].join('\n');
}

function encodersText(scenario: FakeFfmpegScenario): string {
  const encoders = scenario.capabilities?.encoders ?? ['libx264', 'aac'];
  return [
    'Encoders:',
    ' V..... = Video',
    ' A..... = Audio',
    ' ------',
    ...encoders.map((name) => ` ${name === 'aac' ? 'A' : 'V'}....D ${name.padEnd(20)} ${name} (fake)`),
    '',
  ].join('\n');
}

function helpText(scenario: FakeFfmpegScenario): string {
  const caps = scenario.capabilities;
  return [
    'Hyper fast Audio and Video encoder',
    'usage: ffmpeg [options] [[infile options] -i infile]... {[outfile options] outfile}...',
    '',
    'Global options (affect whole program instead of just one file):',
    '-loglevel loglevel  set logging level',
    '-y                  overwrite output files',
    '-n                  never overwrite output files',
    '-stats              print progress report during encoding',
    '-progress url       write program-readable progress information',
    ...(caps?.statsPeriod === false ? [] : ['-stats_period time  set the period at which ffmpeg updates stats and -progress output']),
    '-vsync              set video sync method globally; deprecated, use -fps_mode',
    '',
    'Per-file main options:',
    '-f fmt              force format',
    '-c codec            codec name',
    '-t duration         record or transcode "duration" seconds of audio/video',
    ...(caps?.fpsMode === false ? [] : ['-fps_mode           set framerate mode for matching video streams; overrides vsync']),
    '',
  ].join('\n');
}
