import { parseArgs } from 'node:util';
import type { TranscodeOptions } from '../remux/transcode-options.js';
import { parseDuration } from './durations.js';
import { findStdioMedia } from './media-pipes.js';
import { joinDashValues } from './option-values.js';
import { SERVICE_OPTIONS, type ServiceFlags, parseServiceFlags } from './service-flags.js';
import { TRANSCODE_OPTIONS, parseTranscodeFlags } from './transcode-flags.js';

/** The options `remux` and `run` share. Durations are in ms; `undefined` means the library's default. */
export interface SupervisionFlags {
  readonly stallTimeoutMs: number | undefined;
  readonly startupGraceMs: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly killGraceMs: number | undefined;
  readonly ffmpegPath: string | undefined;
  /** One JSON object per event per line on stdout instead of the human display. */
  readonly json: boolean;
}

/** `ffmpeg-supervisor remux <part>... -o <out.mp4>` */
export interface RemuxCommand extends SupervisionFlags {
  readonly command: 'remux';
  readonly inputs: readonly string[];
  readonly output: string;
  readonly ffprobePath: string | undefined;
  readonly sidecars: boolean;
  /** The transcode rung's settings; `undefined` when no transcode flag was given (the library's defaults). */
  readonly transcode: TranscodeOptions | undefined;
}

/** `ffmpeg-supervisor run [options] -- <ffmpeg args>` */
export interface RunCommand extends SupervisionFlags {
  readonly command: 'run';
  readonly ffmpegArgs: readonly string[];
  readonly expectedDurationMs: number | undefined;
  /** ffmpeg reads media from stdin (`-i -`): the CLI's stdin is passed through. */
  readonly stdinMedia: boolean;
  /** ffmpeg writes media to stdout (`-`, `pipe:1`): passed through to the CLI's stdout. */
  readonly stdoutMedia: boolean;
  /** With `--restart`: keep ffmpeg running as a live service. */
  readonly service: ServiceFlags | undefined;
}

/** `ffmpeg-supervisor doctor`: which ffmpeg and ffprobe would be used, and why others were skipped. */
export interface DoctorCommand {
  readonly command: 'doctor';
  readonly ffmpegPath: string | undefined;
  readonly ffprobePath: string | undefined;
  readonly json: boolean;
}

export type CommandName = 'remux' | 'run' | 'doctor';

/** What the command line asks for: a command to run, help, the version, or a usage error. */
export type CliRequest =
  | RemuxCommand
  | RunCommand
  | DoctorCommand
  | { readonly command: 'help' }
  | { readonly command: 'version' }
  | { readonly command: 'usage-error'; readonly message: string };

const SHARED_OPTIONS = {
  'stall-timeout': { type: 'string' },
  'startup-grace': { type: 'string' },
  timeout: { type: 'string' },
  'kill-grace': { type: 'string' },
  ffmpeg: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

const REMUX_OPTIONS = {
  ...SHARED_OPTIONS,
  output: { type: 'string', short: 'o' },
  ffprobe: { type: 'string' },
  sidecars: { type: 'boolean' },
  ...TRANSCODE_OPTIONS,
} as const;

const RUN_OPTIONS = { ...SHARED_OPTIONS, 'expected-duration': { type: 'string' }, ...SERVICE_OPTIONS } as const;

const DOCTOR_OPTIONS = {
  ffmpeg: { type: 'string' },
  ffprobe: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Raised inside the parser and turned into a `usage-error` request. */
class UsageError extends Error {}

/**
 * Pure: `process.argv.slice(2)` → what to do. Never throws and never exits: a bad command line
 * becomes `{ command: 'usage-error', message }` with a one-line, lower-case message.
 */
export function parseCliArgs(argv: readonly string[]): CliRequest {
  try {
    return parseOrThrow(argv);
  } catch (error) {
    if (error instanceof UsageError) return { command: 'usage-error', message: error.message };
    throw error;
  }
}

function parseOrThrow(argv: readonly string[]): CliRequest {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('missing command (remux, run or doctor)');
  if (first === 'remux' || first === 'run' || first === 'doctor') {
    const end = rest.indexOf('--');
    const ownArgs = end === -1 ? rest : rest.slice(0, end);
    if (ownArgs.includes('-h') || ownArgs.includes('--help')) return { command: 'help' };
    if (ownArgs.includes('--version')) return { command: 'version' };
    if (first === 'doctor') return parseDoctor(rest);
    return first === 'remux' ? parseRemux(rest) : parseRun(rest);
  }
  if (first === '-h' || first === '--help' || first === 'help') return { command: 'help' };
  if (first === '--version') return { command: 'version' };
  if (first.startsWith('-')) throw new UsageError(`expected a command (remux, run or doctor) before ${quote(first)}`);
  throw new UsageError(`unknown command ${quote(first)} (expected remux, run or doctor)`);
}

function parseDoctor(args: readonly string[]): DoctorCommand {
  const { values } = withUsageErrors(() =>
    parseArgs({ args: joinDashValues(args, DOCTOR_OPTIONS), options: DOCTOR_OPTIONS, allowPositionals: false, strict: true }),
  );
  return { command: 'doctor', ffmpegPath: pathOption(values.ffmpeg, '--ffmpeg'), ffprobePath: pathOption(values.ffprobe, '--ffprobe'), json: values.json ?? false };
}

function parseRemux(args: readonly string[]): RemuxCommand {
  const { values, positionals } = withUsageErrors(() =>
    parseArgs({ args: joinDashValues(args, REMUX_OPTIONS), options: REMUX_OPTIONS, allowPositionals: true, strict: true }),
  );
  if (positionals.length === 0) throw new UsageError('remux needs at least one input part');
  if (!values.output) throw new UsageError('remux needs -o <out.mp4>');
  const emptyPart = positionals.find((part) => part.length === 0);
  if (emptyPart !== undefined) throw new UsageError('an input part is an empty string');
  if (positionals.includes(values.output)) throw new UsageError(`the output ${quote(values.output)} is also an input`);
  return {
    command: 'remux',
    inputs: positionals,
    output: values.output,
    ffprobePath: pathOption(values.ffprobe, '--ffprobe'),
    sidecars: values.sidecars ?? false,
    transcode: parseTranscodeFlags(values, (message) => new UsageError(message)),
    ...supervisionFlags(values),
  };
}

function parseRun(args: readonly string[]): RunCommand {
  const end = args.indexOf('--');
  if (end === -1) throw new UsageError("run needs '--' before the ffmpeg arguments: run [options] -- <ffmpeg args>");
  const ffmpegArgs = args.slice(end + 1);
  const { values } = withUsageErrors(() =>
    parseArgs({ args: joinDashValues(args.slice(0, end), RUN_OPTIONS), options: RUN_OPTIONS, allowPositionals: false, strict: true }),
  );
  if (ffmpegArgs.length === 0) throw new UsageError("no ffmpeg arguments after '--'");
  if (ffmpegArgs.includes('-progress')) {
    throw new UsageError('remove -progress from the ffmpeg arguments: the supervisor adds its own');
  }
  const media = findStdioMedia(ffmpegArgs);
  if ('problem' in media) throw new UsageError(media.problem);
  if (media.stdout && values.json) {
    throw new UsageError("--json writes its events to stdout, where ffmpeg's output '-' goes: write the media to a file, or leave out --json");
  }
  const service = parseServiceFlags(values, (message) => new UsageError(message));
  if (service && (media.stdin || media.stdout)) {
    throw new UsageError('--restart cannot pass media through stdin or stdout: a restarted ffmpeg cannot replay them; read from and write to files or URLs');
  }
  return {
    command: 'run',
    ffmpegArgs,
    expectedDurationMs: durationOption(values['expected-duration'], '--expected-duration', 1),
    stdinMedia: media.stdin,
    stdoutMedia: media.stdout,
    service,
    ...supervisionFlags(values),
  };
}

interface SharedValues {
  readonly 'stall-timeout'?: string;
  readonly 'startup-grace'?: string;
  readonly timeout?: string;
  readonly 'kill-grace'?: string;
  readonly ffmpeg?: string;
  readonly json?: boolean;
}

function supervisionFlags(values: SharedValues): SupervisionFlags {
  return {
    stallTimeoutMs: durationOption(values['stall-timeout'], '--stall-timeout', 1),
    startupGraceMs: durationOption(values['startup-grace'], '--startup-grace', 0),
    timeoutMs: durationOption(values.timeout, '--timeout', 1),
    killGraceMs: durationOption(values['kill-grace'], '--kill-grace', 0),
    ffmpegPath: pathOption(values.ffmpeg, '--ffmpeg'),
    json: values.json ?? false,
  };
}

/** Runs `util.parseArgs`, turning its errors into one-line usage errors. */
function withUsageErrors<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!code.startsWith('ERR_PARSE_ARGS_')) throw error;
    throw new UsageError(firstSentence((error as Error).message));
  }
}

function durationOption(text: string | undefined, name: string, minMs: number): number | undefined {
  if (text === undefined) return undefined;
  if (text.startsWith('-')) throw new UsageError(`${name} must be a positive duration; got ${quote(text)}`);
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw new UsageError(`bad duration for ${name}: ${quote(text)} (use e.g. 500ms, 90s, 2m, 1h; a bare number is seconds)`);
  }
  if (ms < minMs) throw new UsageError(`${name} must be more than 0; got ${quote(text)}`);
  return ms;
}

function pathOption(text: string | undefined, name: string): string | undefined {
  if (text === undefined) return undefined;
  if (text.length === 0) throw new UsageError(`${name} needs a path`);
  return text;
}

/** `Unknown option '--x'. To specify …` → `unknown option '--x'`. */
function firstSentence(message: string): string {
  const sentence = message.split(/\.(?:\s|$)/)[0] ?? message;
  return sentence.charAt(0).toLowerCase() + sentence.slice(1);
}

function quote(text: string): string {
  return `'${text}'`;
}

/** The supervisor options a `run` command sets, one run or each start of a service. */
export function supervisorOptionsOf(command: RunCommand) {
  return {
    args: command.ffmpegArgs,
    ffmpegPath: command.ffmpegPath,
    stallTimeoutMs: command.stallTimeoutMs,
    startupGraceMs: command.startupGraceMs,
    timeoutMs: command.timeoutMs,
    killGraceMs: command.killGraceMs,
    expectedDurationUs: command.expectedDurationMs === undefined ? undefined : command.expectedDurationMs * 1_000,
  };
}
