/**
 * The fake ffmpeg program. It plays a {@link FakeFfmpegScenario} the way ffmpeg 5.1 would behave:
 * progress blocks on the `-progress` target, lines on stderr, output files, exit codes, signals.
 *
 * Started as `node fake-ffmpeg-process.js <scenario.json> <ffmpeg args...>` by the launcher that
 * `createFakeFfmpeg()` writes. It is spawned hundreds of times in soak tests, so it imports Node
 * built-ins only and does its work in one file.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { copyFile, writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { FakeFfmpegScenario, FakeProgressBlock, FakeStep } from './scenario.js';

/** One progress block with every number known; what `frozen` repeats. */
interface Block {
  readonly frame: number;
  readonly fps: number;
  readonly outTimeUs: number | 'N/A';
  readonly totalSize: number | 'N/A';
  readonly bitrateKbps: number | 'N/A';
  readonly speed: number | 'N/A';
  readonly extra?: Readonly<Record<string, string>> | undefined;
}

const ZERO_BLOCK: Block = { frame: 0, fps: 0, outTimeUs: 0, totalSize: 0, bitrateKbps: 'N/A', speed: 'N/A' };
/** How long a signal-driven exit waits for its last writes when nobody reads the pipes. */
const EXIT_FLUSH_CAP_MS = 1_000;
const FLOOD_CHUNK_BYTES = 16 * 1024;
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGINT: 2, SIGTERM: 15 };
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  ENOSPC: 'No space left on device',
  EISDIR: 'Is a directory',
};
const FILM = Buffer.from('🎬');
const E_ACUTE = Buffer.from('é');

const [scenarioPath = '', ...args] = process.argv.slice(2);
let scenario: FakeFfmpegScenario = { steps: [] };
let progressOut: Writable | undefined;
let lastBlock: Block = ZERO_BLOCK;
/** A signal is ending the run: steps write nothing more. */
let stopping = false;

async function main(): Promise<void> {
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.stdout.on('error', ignore); // EPIPE once the reader is gone: ffmpeg ignores it too
  process.stderr.on('error', ignore);
  scenario = JSON.parse(readFileSync(scenarioPath, 'utf8')) as FakeFfmpegScenario;

  if (args.includes('-version')) return finish(0, process.stdout, versionText());
  if (args.some((arg) => ['-h', '-help', '--help', '-?'].includes(arg))) return finish(0, process.stdout, helpText());
  const unsupported = unsupportedOption();
  if (unsupported) {
    return finish(1, process.stderr, `Unrecognized option '${unsupported}'.\nError splitting the argument list: Option not found\n`);
  }

  const progressFd = openProgress(optionValue('-progress'));
  if (scenario.announceReady !== false) await write(process.stderr, `ready pid=${process.pid}\n`);
  if (scenario.grandchildHoldsPipesMs !== undefined) {
    const pid = spawnGrandchild(scenario.grandchildHoldsPipesMs, progressFd);
    await write(process.stderr, `grandchild pid=${pid ?? 'none'}\n`);
  }
  for (const step of scenario.steps) {
    if (stopping) return;
    await playStep(step);
  }
  if (!stopping) process.exit(0);
}

async function playStep(step: FakeStep): Promise<void> {
  if ('wait' in step) return sleep(step.wait);
  if ('progress' in step) return writeBlock(resolveBlock(step.progress), step.progress.end === true);
  if ('advance' in step) return advance(step.advance);
  if ('frozen' in step) {
    for (let i = 0; i < step.frozen.count && !stopping; i++) {
      await sleep(step.frozen.everyMs);
      await writeBlock(lastBlock, false);
    }
    return;
  }
  if ('stderr' in step) return writeUnlessStopping(process.stderr, step.raw ? step.stderr : `${step.stderr}\n`);
  if ('stdout' in step) return writeUnlessStopping(process.stdout, step.stdout);
  if ('stderrFlood' in step) return flood(step.stderrFlood.bytes, step.stderrFlood.newlines !== false);
  if ('writeOutput' in step) return writeOutput(() => copyFile(step.writeOutput.from, outputPath()));
  if ('writeOutputText' in step) return writeOutput(() => writeFile(outputPath(), step.writeOutputText));
  if ('exit' in step) return process.exit(step.exit);
  if ('crash' in step) return crash(step.crash);
  if ('hang' in step) {
    setInterval(ignore, 1e9);
    return new Promise<void>(ignore);
  }
  throw new Error(`unknown scenario step ${JSON.stringify(step)}`);
}

// ---- signals ----------------------------------------------------------------------------------

function onSignal(signal: NodeJS.Signals): void {
  const number = SIGNAL_NUMBERS[signal] ?? 15;
  if (scenario.onSigterm === 'ignore') {
    void write(process.stderr, `fake ffmpeg: received signal ${number}, ignoring it (blocked in read()).\n`);
    return;
  }
  if (stopping) return;
  stopping = true;
  // Like ffmpeg: the last report (progress=end) is written, then the exit message.
  const lastWrites = (async () => {
    if (progressOut) await write(progressOut, renderBlock(lastBlock, true));
    await write(process.stderr, `Exiting normally, received signal ${number}.\n`);
  })();
  void Promise.race([lastWrites, sleep(EXIT_FLUSH_CAP_MS)]).then(() => process.exit(scenario.exitCodeOnSignal ?? 255));
}

async function crash(signal: NodeJS.Signals): Promise<void> {
  process.removeAllListeners(signal); // so SIGTERM/SIGINT take their default action
  process.kill(process.pid, signal);
  // Signals Node ignores (SIGPIPE) must not leave the fake running.
  await sleep(1_000);
  process.exit(1);
}

// ---- progress ---------------------------------------------------------------------------------

/** Opens the `-progress` target: `pipe:N` is fd N (1 is stdout), anything else a file. Returns the fd. */
function openProgress(url: string | undefined): number | undefined {
  if (url === undefined) return undefined;
  const pipe = /^pipe:(\d*)$/.exec(url);
  const fd = pipe ? Number(pipe[1] || 1) : undefined;
  if (fd === 1) progressOut = process.stdout;
  else if (fd === 2) progressOut = process.stderr;
  else if (fd !== undefined) progressOut = createWriteStream('', { fd, autoClose: false });
  else progressOut = createWriteStream(url.replace(/^file:/, ''));
  let reported = false;
  progressOut.on('error', (error) => {
    if (!reported) void write(process.stderr, `fake ffmpeg: progress output ${url}: ${error.message}\n`);
    reported = true;
  });
  return fd;
}

async function advance(options: Extract<FakeStep, { advance: unknown }>['advance']): Promise<void> {
  const { count, everyMs, outTimeStepUs = 1_000_000, frameStep = 25, bytesStep = 125_000 } = options;
  for (let i = 0; i < count && !stopping; i++) {
    await sleep(everyMs);
    const outTimeUs = numberOr0(lastBlock.outTimeUs) + outTimeStepUs;
    const totalSize = numberOr0(lastBlock.totalSize) + bytesStep;
    await writeBlock(
      {
        frame: lastBlock.frame + frameStep,
        fps: everyMs > 0 ? (frameStep * 1000) / everyMs : 0,
        outTimeUs,
        totalSize,
        bitrateKbps: deriveBitrateKbps(totalSize, outTimeUs),
        speed: everyMs > 0 ? outTimeStepUs / (everyMs * 1000) : 'N/A',
      },
      false,
    );
  }
}

/** Keys a `progress` step leaves out keep their last value; the bitrate follows size and time. */
function resolveBlock(given: FakeProgressBlock): Block {
  const outTimeUs = given.outTimeUs ?? lastBlock.outTimeUs;
  const totalSize = given.totalSize ?? lastBlock.totalSize;
  return {
    frame: given.frame ?? lastBlock.frame,
    fps: given.fps ?? lastBlock.fps,
    outTimeUs,
    totalSize,
    bitrateKbps: given.bitrateKbps ?? deriveBitrateKbps(totalSize, outTimeUs),
    speed: given.speed ?? lastBlock.speed,
    extra: given.extra,
  };
}

async function writeBlock(block: Block, end: boolean): Promise<void> {
  if (stopping) return;
  lastBlock = block;
  if (progressOut) await write(progressOut, renderBlock(block, end));
}

/** A block exactly as ffmpeg 5.1's `print_report()` writes it. */
function renderBlock(block: Block, end: boolean): string {
  const { outTimeUs, totalSize, bitrateKbps, speed } = block;
  const lines = [
    `frame=${block.frame}`,
    `fps=${block.fps.toFixed(2)}`,
    'stream_0_0_q=-1.0',
    `bitrate=${bitrateKbps === 'N/A' ? 'N/A' : `${bitrateKbps.toFixed(1).padStart(6)}kbits/s`}`,
    `total_size=${totalSize}`,
    `out_time_us=${outTimeUs}`,
    `out_time_ms=${outTimeUs}`,
    `out_time=${outTimeUs === 'N/A' ? 'N/A' : formatOutTime(outTimeUs)}`,
    'dup_frames=0',
    'drop_frames=0',
    `speed=${speed === 'N/A' ? 'N/A' : `${formatG3(speed).padStart(4)}x`}`,
    ...Object.entries(block.extra ?? {}).map(([key, value]) => `${key}=${value}`),
    `progress=${end ? 'end' : 'continue'}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `%s%02d:%02d:%02d.%06d`, with a leading `-` for negative times. */
function formatOutTime(us: number): string {
  const abs = Math.abs(Math.trunc(us));
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const secs = Math.floor(abs / 1e6);
  return `${us < 0 ? '-' : ''}${pad(Math.floor(secs / 3600))}:${pad(Math.floor(secs / 60) % 60)}:${pad(secs % 60)}.${pad(abs % 1e6, 6)}`;
}

/** C's `%.3g`: three significant digits, trailing zeros dropped, exponent form outside 1e-4..1e3. */
function formatG3(value: number): string {
  const exponent = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(Number(value.toPrecision(3)))));
  if (exponent < -4 || exponent >= 3) {
    const [mantissa = '0', power = '0'] = value.toExponential(2).split('e');
    const sign = power.startsWith('-') ? '-' : '+';
    return `${stripZeros(mantissa)}e${sign}${power.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  return stripZeros(value.toFixed(2 - exponent));
}

function stripZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

function deriveBitrateKbps(totalSize: number | 'N/A', outTimeUs: number | 'N/A'): number | 'N/A' {
  return typeof totalSize === 'number' && typeof outTimeUs === 'number' && outTimeUs > 0
    ? (totalSize * 8000) / outTimeUs
    : 'N/A';
}

// ---- stderr flood -----------------------------------------------------------------------------

/**
 * Writes exactly `totalBytes` of stderr chatter, one chunk at a time as the pipe drains. Every
 * chunk but the last ends inside a multi-byte character (`é`, `🎬`), so readers see split UTF-8.
 */
async function flood(totalBytes: number, newlines: boolean): Promise<void> {
  let written = 0;
  let carry: Buffer = Buffer.alloc(0);
  for (let lineNumber = 0, chunkNumber = 0; written < totalBytes && !stopping; chunkNumber++) {
    const parts = [carry];
    let size = carry.length;
    while (size < FLOOD_CHUNK_BYTES) {
      const line = Buffer.from(floodLine(lineNumber++, newlines));
      parts.push(line);
      size += line.length;
    }
    let chunk: Buffer = Buffer.concat(parts, size);
    if (chunk.length >= totalBytes - written) {
      chunk = completeUtf8(chunk.subarray(0, totalBytes - written));
      carry = Buffer.alloc(0);
    } else {
      const cut = splitPoint(chunk, chunkNumber);
      carry = chunk.subarray(cut);
      chunk = chunk.subarray(0, cut);
    }
    await write(process.stderr, chunk);
    written += chunk.length;
  }
}

function floodLine(n: number, newlines: boolean): string {
  const end = newlines ? '\n' : ' ';
  switch (n % 3) {
    case 0:
      return `[mpegts @ 0x55d0c8b400] PES packet size mismatch${end}`;
    case 1: {
      const redraw = newlines ? '\r' : ' ';
      return `frame=${String(n).padStart(5)} fps= 25 q=-1.0 size=${String(n * 4).padStart(8)}kB time=00:00:${String(n % 60).padStart(2, '0')}.00 bitrate= 512.0kbits/s speed=1.01x    ${redraw}`;
    }
    default:
      return `    title           : Scène n°${n}, le café 🎬 du soir${end}`;
  }
}

/** Where to cut a chunk: inside its last `🎬` (after 1, 2 or 3 of its 4 bytes) or its last `é`. */
function splitPoint(chunk: Buffer, chunkNumber: number): number {
  const isFilm = chunkNumber % 2 === 0;
  const at = chunk.lastIndexOf(isFilm ? FILM : E_ACUTE);
  return at < 0 ? chunk.length : at + 1 + (isFilm ? Math.floor(chunkNumber / 2) % 3 : 0);
}

/** Index of the last byte that starts a multi-byte UTF-8 character, or -1. */
function lastLeadByteIndex(bytes: Buffer): number {
  for (let i = bytes.length - 1; i >= 0; i--) if (((bytes[i] ?? 0) & 0xc0) === 0xc0) return i;
  return -1;
}

/** Replaces a character cut off at the end with dots, keeping the length. */
function completeUtf8(bytes: Buffer): Buffer {
  const lead = lastLeadByteIndex(bytes);
  if (lead < 0 || lead < bytes.length - 4) return bytes;
  const leadByte = bytes[lead] ?? 0;
  const needed = leadByte >= 0xf0 ? 4 : leadByte >= 0xe0 ? 3 : 2;
  if (bytes.length - lead < needed) bytes.fill(0x2e, lead);
  return bytes;
}

// ---- output, grandchild, help -----------------------------------------------------------------

/** The output path: the last argument without a `file:` prefix, like a remux command's output. */
function outputPath(): string {
  const last = args.at(-1);
  if (last === undefined) throw new Error('At least one output file must be specified');
  return last.replace(/^file:/, '');
}

async function writeOutput(action: () => Promise<void>): Promise<void> {
  if (stopping) return;
  try {
    await action();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = ERRNO_TEXT[code] ?? (error as Error).message;
    await write(process.stderr, `${args.at(-1) ?? 'output'}: ${reason}\n`);
    process.exit(1);
  }
}


/** A sleeping node child in this process group, holding stdout, stderr and the progress fd. */
function spawnGrandchild(holdMs: number, progressFd: number | undefined): number | undefined {
  const stdio: Array<'inherit' | 'ignore' | number> = ['inherit', 'inherit', 'inherit'];
  if (progressFd !== undefined && progressFd > 2) {
    while (stdio.length < progressFd) stdio.push('ignore');
    stdio.push(progressFd);
  }
  const child = spawn(process.execPath, ['-e', `setTimeout(() => {}, ${Number(holdMs)})`], { stdio });
  child.on('error', ignore);
  child.unref();
  return child.pid;
}

function optionValue(name: string): string | undefined {
  const index = args.lastIndexOf(name);
  return index < 0 ? undefined : args[index + 1];
}

function unsupportedOption(): string | undefined {
  const caps = scenario.capabilities;
  if (caps?.statsPeriod === false && args.includes('-stats_period')) return 'stats_period';
  if (caps?.fpsMode === false && args.includes('-fps_mode')) return 'fps_mode';
  return undefined;
}

function versionText(): string {
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

function helpText(): string {
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

// ---- plumbing ---------------------------------------------------------------------------------

/** Resolves once the chunk reached the OS (or the stream failed): one chunk in flight at a time. */
function write(stream: Writable, chunk: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed) resolve();
    else stream.write(chunk, () => resolve());
  });
}

function writeUnlessStopping(stream: Writable, text: string): Promise<void> {
  return stopping ? Promise.resolve() : write(stream, text);
}

async function finish(code: number, stream: Writable, text: string): Promise<void> {
  await write(stream, text);
  process.exit(code);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

function numberOr0(value: number | 'N/A'): number {
  return value === 'N/A' ? 0 : value;
}

function ignore(): void {}

// Last, so every constant above is initialised before the first step runs.
void main().catch(async (error: unknown) => {
  await write(process.stderr, `fake ffmpeg: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
