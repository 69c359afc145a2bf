/**
 * Parser throughput: MB/s of `-progress` text (a real ffmpeg 5.1 transcript, repeated), each path
 * reading the same 64 KiB chunks from a `Readable` as a pipe delivers them:
 *
 * - the progress path: `ProgressParser.pushChunk()` per chunk (its `LineScanner` reads the lines in
 *   place) and `end()`, as the progress pipe is meant to be wired;
 * - the stream path: `createLineSplitter()` (split2, what stderr uses) into `ProgressParser.pushLine()`;
 * - a naive parser end to end: decode, `split()` on line ends, one regex per line, `Number()` and
 *   `parseFloat()` on the block;
 * - the `ffmpeg` npm package 1.1.3 (the fastest peer measured; when installed, see
 *   `loadPeerParser`), end to end as it reads ffmpeg: its
 *   exported `parseProgress()` on every stderr line of the same ffmpeg run (stats lines, one per
 *   update, about 90 bytes where a `-progress` block is about 200), after decoding and splitting
 *   the chunks on line ends as its stream parser does;
 * - and, on lines split beforehand (not timed), `ProgressParser` alone and the naive parser alone.
 *
 * The two formats carry the same updates in different sizes, so µs per update compares the
 * parsers; MB/s is each one's own text.
 * Rounds run every path in turn (one warm-up round first), so a slow spell of a shared machine hits
 * every path alike. Per pass: wall time and CPU time (`process.cpuUsage()`, this process). Prints
 * the medians; MB = 10^6 bytes.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { createLineSplitter } from '../src/supervisor/line-splitter.js';
import { ProgressParser } from '../src/supervisor/progress-parser.js';
import { hostCpuMs } from './lib/cpu.js';
import { isQuick, printHeading, printTable } from './lib/options.js';
import { fixed, median } from './lib/stats.js';

const TARGET_BYTES = (isQuick ? 5 : 50) * 1_000_000;
const ROUNDS = isQuick ? 3 : 9;
const CHUNK_BYTES = 64 * 1024;
/** `-progress pipe:3` and stderr of one ffmpeg 5.1 run (60 s copy + AAC, `-stats_period 0.005`): 244 updates each. */
const TRANSCRIPT = fileURLToPath(new URL('../test/fixtures/progress/ffmpeg-5.1-copy-aac-60s.progress.txt', import.meta.url));
const STDERR_TRANSCRIPT = fileURLToPath(new URL('../test/fixtures/progress/ffmpeg-5.1-copy-aac-60s.stderr.txt', import.meta.url));
const EXPECTED_DURATION_SEC = 60;

/** What a first attempt usually looks like: a regex per line, numbers by `Number()` and `parseFloat()`. */
class NaiveProgressParser {
  static readonly LINE = /^\s*([^=\s]+)\s*=\s*(.*?)\s*$/;
  #pending: Record<string, string> = {};

  pushLine(line: string): Record<string, unknown> | undefined {
    const match = NaiveProgressParser.LINE.exec(line);
    if (!match) return undefined;
    const [, key = '', value = ''] = match;
    this.#pending[key] = value;
    if (key !== 'progress') return undefined;
    const raw = this.#pending;
    this.#pending = {};
    const number = (text: string | undefined): number | undefined => {
      const parsed = text === undefined ? Number.NaN : Number(text);
      return Number.isNaN(parsed) ? undefined : parsed;
    };
    const decimal = (text: string | undefined): number | undefined => {
      const parsed = text === undefined ? Number.NaN : Number.parseFloat(text);
      return Number.isNaN(parsed) ? undefined : parsed;
    };
    return {
      outTimeUs: number(raw.out_time_us),
      totalSize: number(raw.total_size),
      frame: number(raw.frame),
      fps: decimal(raw.fps),
      speed: decimal(raw.speed),
      bitrateKbps: decimal(raw.bitrate),
      done: raw.progress === 'end',
      raw,
    };
  }
}

interface Path {
  readonly name: string;
  readonly input: Input;
  /** Runs once over the input; returns the number of blocks parsed. */
  readonly run: () => Promise<number> | number;
}

interface Input {
  readonly chunks: Buffer[];
  readonly lines: string[];
  readonly bytes: number;
  /** Updates in the whole input: progress blocks, or stats lines. */
  readonly blocks: number;
}

/** `path` repeated to about the same number of updates as `copies` of the progress transcript, in pipe-sized chunks. */
function buildInput(path: string, copies: number, isUpdate: (line: string) => boolean): Input {
  const transcript = readFileSync(path);
  const whole = Buffer.concat(Array.from({ length: copies }, () => transcript));
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < whole.length; offset += CHUNK_BYTES) chunks.push(whole.subarray(offset, offset + CHUNK_BYTES));
  const lines = whole.toString('utf8').split(/\r\n|[\r\n]/);
  const blocksPerCopy = transcript.toString('utf8').split(/\r\n|[\r\n]/).filter(isUpdate).length;
  return { chunks, lines, bytes: whole.length, blocks: copies * blocksPerCopy };
}

/** Resolves with the block count once `source` ended; `feed` wires the source to a parser. */
function throughStream(chunks: readonly Buffer[], feed: (source: Readable, onBlock: () => void) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let blocks = 0;
    const source = Readable.from(chunks);
    feed(source, () => {
      blocks += 1;
    });
    source.on('error', reject);
    // `end` listeners run in order: the feed's (which flushes the last line) came first.
    source.on('end', () => resolve(blocks));
  });
}

function progressPath(chunks: readonly Buffer[]): Promise<number> {
  return throughStream(chunks, (source, onBlock) => {
    const parser = new ProgressParser();
    source.on('data', (chunk: Buffer) => {
      for (let count = parser.pushChunk(chunk).length; count > 0; count--) onBlock();
    });
    source.once('end', () => {
      for (let count = parser.end().length; count > 0; count--) onBlock();
    });
  });
}

function split2Path(chunks: readonly Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const parser = new ProgressParser();
    let blocks = 0;
    Readable.from(chunks)
      .pipe(createLineSplitter())
      .on('data', (line: string) => {
        if (parser.pushLine(line)) blocks += 1;
      })
      .on('end', () => resolve(blocks))
      .on('error', reject);
  });
}

/** Naive end to end: decode each chunk, keep the partial line, `split()` on line ends. */
function naivePath(chunks: readonly Buffer[]): Promise<number> {
  return throughStream(chunks, (source, onBlock) => {
    const parser = new NaiveProgressParser();
    const decoder = new StringDecoder('utf8');
    let carry = '';
    source.on('data', (chunk: Buffer) => {
      const parts = (carry + decoder.write(chunk)).split(/\r?\n|\r/);
      carry = parts.pop() ?? '';
      for (const line of parts) if (parser.pushLine(line)) onBlock();
    });
    source.once('end', () => {
      if (carry && parser.pushLine(carry)) onBlock();
    });
  });
}

/** The `ffmpeg` package's exported parser: one stats line and the expected duration (s) → an update or nothing. */
type PeerParseProgress = (line: string, durationSec: number) => object | undefined;

/** The version the figures in BENCHMARKS.md were measured with. */
const PEER_PACKAGE = 'ffmpeg@1.1.3';

/**
 * The `ffmpeg` package's `parseProgress()`, when it is installed (`npm install --no-save
 * ffmpeg@1.1.3`): it is a comparison, not a dependency of this project (it declares Node ≥ 24).
 */
async function loadPeerParser(): Promise<PeerParseProgress | undefined> {
  const name = 'ffmpeg';
  try {
    const loaded = (await import(name)) as { parseProgress?: unknown };
    return typeof loaded.parseProgress === 'function' ? (loaded.parseProgress as PeerParseProgress) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The `ffmpeg` package end to end on stderr: decode each chunk, keep the partial line, split on
 * `\r\n`, `\r` or `\n` (stats lines end in `\r`), and its `parseProgress()` on every line.
 */
function peerPath(chunks: readonly Buffer[], peerParseProgress: PeerParseProgress): Promise<number> {
  return throughStream(chunks, (source, onBlock) => {
    const decoder = new StringDecoder('utf8');
    let carry = '';
    source.on('data', (chunk: Buffer) => {
      const parts = (carry + decoder.write(chunk)).split(/\r\n|[\r\n]/);
      carry = parts.pop() ?? '';
      for (const line of parts) if (peerParseProgress(line, EXPECTED_DURATION_SEC)) onBlock();
    });
    source.once('end', () => {
      if (carry && peerParseProgress(carry, EXPECTED_DURATION_SEC)) onBlock();
    });
  });
}

function linesThrough(parser: { pushLine(line: string): unknown }, lines: readonly string[]): number {
  let blocks = 0;
  for (const line of lines) if (parser.pushLine(line)) blocks += 1;
  return blocks;
}

interface Pass {
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function main(): Promise<void> {
  printHeading('Progress parser throughput');
  const copies = Math.ceil(TARGET_BYTES / readFileSync(TRANSCRIPT).length);
  const progress = buildInput(TRANSCRIPT, copies, (line) => line.startsWith('progress='));
  const stderr = buildInput(STDERR_TRANSCRIPT, copies, (line) => /time=\d+:\d{2}:\d{2}/.test(line));
  const { chunks, lines } = progress;
  for (const [input, path] of [[progress, TRANSCRIPT], [stderr, STDERR_TRANSCRIPT]] as const) {
    console.log(
      `input: ${path.split('/').slice(-3).join('/')} repeated ${copies} times: ${fixed(input.bytes / 1e6)} MB ` +
        `(${input.lines.length} lines, ${input.blocks} updates), ${CHUNK_BYTES / 1024} KiB chunks`,
    );
  }
  const peerParseProgress = await loadPeerParser();
  if (!peerParseProgress) console.log(`(the ${PEER_PACKAGE} package is not installed, so its parser is left out: npm install --no-save ${PEER_PACKAGE})`);
  console.log(`${ROUNDS} rounds after 1 warm-up round, medians\n`);
  const paths: Path[] = [
    { name: 'progress path: ProgressParser.pushChunk()', input: progress, run: () => progressPath(chunks) },
    { name: 'stream path: split2 → ProgressParser', input: progress, run: () => split2Path(chunks) },
    { name: 'naive: decode + split() + regex per line', input: progress, run: () => naivePath(chunks) },
    ...(peerParseProgress ? [{ name: '`ffmpeg` 1.1.3 package: stderr lines → parseProgress()', input: stderr, run: () => peerPath(stderr.chunks, peerParseProgress) }] : []),
    { name: 'ProgressParser alone (pre-split lines)', input: progress, run: () => linesThrough(new ProgressParser(), lines) },
    { name: 'naive regex alone (pre-split lines)', input: progress, run: () => linesThrough(new NaiveProgressParser(), lines) },
  ];
  const passes = new Map<Path, Pass[]>(paths.map((path) => [path, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const path of paths) {
      globalThis.gc?.();
      const cpuStart = hostCpuMs();
      const start = performance.now();
      const found = await path.run();
      const pass = { wallMs: performance.now() - start, cpuMs: hostCpuMs() - cpuStart };
      if (found !== path.input.blocks) throw new Error(`${path.name}: parsed ${found} updates, expected ${path.input.blocks}`);
      if (round > 0) passes.get(path)?.push(pass);
    }
  }
  // Other load only ever adds time: the best pass is the least disturbed one.
  const rows: Array<Array<string | number>> = [['path', 'MB/s (CPU)', 'best MB/s (CPU)', 'MB/s (wall)', 'best MB/s (wall)', 'µs/update (CPU)', 'best µs/update', 'ns/line (CPU)']];
  for (const path of paths) {
    const { bytes, blocks, lines } = path.input;
    const recorded = passes.get(path) ?? [];
    const cpuMs = median(recorded.map((pass) => pass.cpuMs));
    const wallMs = median(recorded.map((pass) => pass.wallMs));
    const bestWallMs = Math.min(...recorded.map((pass) => pass.wallMs));
    const bestCpuMs = Math.min(...recorded.map((pass) => pass.cpuMs));
    rows.push([
      path.name,
      fixed(bytes / 1e3 / cpuMs, 0),
      fixed(bytes / 1e3 / bestCpuMs, 0),
      fixed(bytes / 1e3 / wallMs, 0),
      fixed(bytes / 1e3 / bestWallMs, 0),
      fixed((cpuMs * 1e3) / blocks, 2),
      fixed((bestCpuMs * 1e3) / blocks, 2),
      fixed((cpuMs * 1e6) / lines.length, 0),
    ]);
  }
  printTable(rows);
  const bytesPerSecPerFfmpeg = (2 * progress.bytes) / progress.blocks; // a block every 0.5 s
  console.log(`\n(one ffmpeg writes about ${fixed(bytesPerSecPerFfmpeg, 0)} bytes/s of progress at the default 0.5 s period)`);
}

await main();
