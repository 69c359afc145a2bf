/**
 * Parser throughput: MB/s of `-progress` text (a real ffmpeg 5.1 transcript, repeated) through
 *
 * - the real line path: 64 KiB chunks piped through `createLineSplitter()` (split2) into
 *   `ProgressParser.pushLine()`, as the supervisor wires it;
 * - `ProgressParser` alone, on lines split beforehand;
 * - a naive parser (one regex per line, `Number()`/`parseFloat()` on the block) on the same
 *   lines, and with its own chunk decoding and `split()`.
 *
 * One warm-up pass, then the median of several passes. MB = 10^6 bytes.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import { createLineSplitter } from '../src/supervisor/line-splitter.js';
import { ProgressParser } from '../src/supervisor/progress-parser.js';
import { isQuick, printHeading, printTable } from './lib/options.js';
import { fixed, median } from './lib/stats.js';

const TARGET_BYTES = (isQuick ? 5 : 50) * 1_000_000;
const PASSES = isQuick ? 3 : 7;
const CHUNK_BYTES = 64 * 1024;
const TRANSCRIPT = fileURLToPath(new URL('../test/fixtures/progress/ffmpeg-5.1-copy-aac.txt', import.meta.url));

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
  /** Runs once over the input; returns the number of blocks parsed. */
  readonly run: () => Promise<number> | number;
}

function buildInput(): { chunks: Buffer[]; lines: string[]; bytes: number; blocksPerCopy: number } {
  const transcript = readFileSync(TRANSCRIPT);
  const copies = Math.ceil(TARGET_BYTES / transcript.length);
  const whole = Buffer.concat(Array.from({ length: copies }, () => transcript));
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < whole.length; offset += CHUNK_BYTES) chunks.push(whole.subarray(offset, offset + CHUNK_BYTES));
  const lines = whole.toString('utf8').split('\n');
  const blocksPerCopy = transcript.toString('utf8').split('\n').filter((line) => line.startsWith('progress=')).length;
  return { chunks, lines, bytes: whole.length, blocksPerCopy };
}

function linePath(chunks: readonly Buffer[]): Promise<number> {
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

function parserAlone(lines: readonly string[]): number {
  const parser = new ProgressParser();
  let blocks = 0;
  for (const line of lines) if (parser.pushLine(line)) blocks += 1;
  return blocks;
}

function naiveLines(lines: readonly string[]): number {
  const parser = new NaiveProgressParser();
  let blocks = 0;
  for (const line of lines) if (parser.pushLine(line)) blocks += 1;
  return blocks;
}

/** Naive end to end: decode each chunk, keep the partial line, `split()` on line ends. */
function naiveChunks(chunks: readonly Buffer[]): number {
  const parser = new NaiveProgressParser();
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let blocks = 0;
  for (const chunk of chunks) {
    const parts = (carry + decoder.write(chunk)).split(/\r?\n|\r/);
    carry = parts.pop() ?? '';
    for (const line of parts) if (parser.pushLine(line)) blocks += 1;
  }
  if (carry && parser.pushLine(carry)) blocks += 1;
  return blocks;
}

async function main(): Promise<void> {
  printHeading('Progress parser throughput');
  const { chunks, lines, bytes, blocksPerCopy } = buildInput();
  const expectedBlocks = (bytes / readFileSync(TRANSCRIPT).length) * blocksPerCopy;
  console.log(
    `input: ${TRANSCRIPT.split('/').slice(-3).join('/')} repeated to ${fixed(bytes / 1e6)} MB ` +
      `(${lines.length} lines, ${expectedBlocks} blocks), ${CHUNK_BYTES / 1024} KiB chunks; median of ${PASSES} passes after 1 warm-up\n`,
  );
  const paths: Path[] = [
    { name: 'line path: split2 → ProgressParser', run: () => linePath(chunks) },
    { name: 'ProgressParser alone (pre-split lines)', run: () => parserAlone(lines) },
    { name: 'naive regex per line (pre-split lines)', run: () => naiveLines(lines) },
    { name: 'naive: decode + split() + regex per line', run: () => naiveChunks(chunks) },
  ];
  const rows: Array<Array<string | number>> = [['path', 'MB/s', 'blocks/s (M)', 'ns/line', 'pass ms']];
  for (const path of paths) {
    const times: number[] = [];
    for (let pass = 0; pass <= PASSES; pass++) {
      const start = performance.now();
      const blocks = await path.run();
      const elapsed = performance.now() - start;
      if (blocks !== expectedBlocks) throw new Error(`${path.name}: parsed ${blocks} blocks, expected ${expectedBlocks}`);
      if (pass > 0) times.push(elapsed);
    }
    const ms = median(times);
    rows.push([
      path.name,
      fixed(bytes / 1e6 / (ms / 1000), 0),
      fixed(expectedBlocks / (ms / 1000) / 1e6, 2),
      fixed((ms * 1e6) / lines.length, 0),
      fixed(ms, 0),
    ]);
  }
  printTable(rows);
  const bytesPerSecPerFfmpeg = (2 * bytes) / expectedBlocks; // a block every 0.5 s
  console.log(`\n(one ffmpeg writes about ${fixed(bytesPerSecPerFfmpeg, 0)} bytes/s of progress at the default 0.5 s period)`);
}

await main();
