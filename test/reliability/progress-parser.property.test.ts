/**
 * Property tests of both ways bytes become blocks: the progress pipe's `ProgressParser.pushChunk()`
 * / `end()` (its own line scanner), and a line stream, `createLineSplitter()` (split2) →
 * `ProgressParser.pushLine()`. Each must give exactly the blocks of the text cut into whole lines.
 *
 * Transcripts (test/fixtures/progress/): ffmpeg-5.1-copy-aac.txt (Debian 5.1, copy + AAC into
 * MP4), and two captured for this suite with
 *   ffmpeg -nostdin -hide_banner -loglevel error -progress pipe:1 -re \
 *     -f lavfi -i testsrc2=duration=3:size=160x120:rate=25 -f lavfi -i sine=frequency=440:duration=3 \
 *     -c:v mpeg4 -c:a aac -f mp4 -y out.mp4 > transcript.txt
 * from the npm static build (N-47683, 2018) and Debian's 5.1.9.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createLineSplitter, MAX_LINE_LENGTH } from '../../src/supervisor/line-splitter.js';
import { type FfmpegProgress, parseProgressBlock, ProgressParser } from '../../src/supervisor/progress-parser.js';

const TRANSCRIPTS = [
  'ffmpeg-5.1-copy-aac.txt',
  'ffmpeg-n47683-static-2018-lavfi-mpeg4-aac.txt',
  'ffmpeg-5.1.9-debian-lavfi-mpeg4-aac.txt',
].map((name) => ({ name, text: readFileSync(new URL(`../fixtures/progress/${name}`, import.meta.url), 'utf8') }));

const NUMERIC_FIELDS = ['outTimeUs', 'totalSize', 'frame', 'fps', 'speed', 'bitrateKbps', 'percent'] as const;

/** Feeds chunks to `pushChunk()`, then `end()`. */
async function blocksThroughChunks(chunks: readonly Uint8Array[], expectedDurationUs?: number): Promise<FfmpegProgress[]> {
  const parser = new ProgressParser(expectedDurationUs);
  const blocks = chunks.flatMap((chunk) => parser.pushChunk(chunk));
  return [...blocks, ...parser.end()];
}

/** Feeds chunks through the split2 line splitter into a parser; resolves with the blocks once the stream ended. */
async function blocksThroughSplit2(chunks: readonly Uint8Array[], expectedDurationUs?: number): Promise<FfmpegProgress[]> {
  const splitter = createLineSplitter();
  const parser = new ProgressParser(expectedDurationUs);
  const blocks: FfmpegProgress[] = [];
  splitter.on('data', (line: string) => {
    const block = parser.pushLine(line);
    if (block) blocks.push(block);
  });
  const ended = once(splitter, 'end');
  for (const chunk of chunks) splitter.write(chunk);
  splitter.end();
  await ended;
  return blocks;
}

/** A block without what a cut last line can change (`done` and `raw.progress`). */
function withoutProgressKey(block: FfmpegProgress): unknown {
  const { done: _done, raw, ...numbers } = block;
  const { progress: _progress, ...keys } = raw;
  return { ...numbers, keys };
}

/** The reference: the text cut into whole lines first, each pushed once. */
function blocksFromWholeLines(text: string, expectedDurationUs?: number): FfmpegProgress[] {
  const parser = new ProgressParser(expectedDurationUs);
  return text.split(/\r\n|\n|\r/).flatMap((line) => parser.pushLine(line) ?? []);
}

/** `bytes` cut at the given offsets (any order, duplicates and out-of-range ignored). */
function cut(bytes: Uint8Array, offsets: readonly number[]): Uint8Array[] {
  const points = [...new Set(offsets.filter((offset) => offset > 0 && offset < bytes.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

/** Cut offsets for a buffer of `length` bytes: from none to one every few bytes. */
const cutsFor = (length: number) => fc.array(fc.integer({ min: 1, max: Math.max(1, length - 1) }), { maxLength: Math.min(200, length) });

function expectNoNaN(blocks: readonly FfmpegProgress[]): void {
  for (const block of blocks) {
    for (const field of NUMERIC_FIELDS) {
      const value = block[field];
      if (value !== undefined) expect(Number.isFinite(value), `${field} = ${value}`).toBe(true);
    }
    if (block.percent !== undefined) {
      expect(block.percent).toBeGreaterThanOrEqual(0);
      expect(block.percent).toBeLessThanOrEqual(100);
    }
  }
}

/** Values ffmpeg writes, values it might write one day, and plain garbage. */
const progressValue = fc.oneof(
  fc.constantFrom('N/A', '', ' ', '-', 'nan', 'NaN', 'inf', '-inf', 'Infinity', '1e309', '-1e309', '1e-400', '0x1f', '1_000', '1.2.3'),
  fc.constantFrom('   3.1kbits/s', 'N/Akbits/s', 'kbits/s', '   0x', ' 100x', 'x', '1e3x', '-00:00:00.023220', '00:00:29.034667', '99:99:99.9999999', '00:00:00.'),
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.double().map(String),
  fc.integer().map(String),
  fc.bigInt().map(String),
);
const progressKey = fc.oneof(
  fc.constantFrom('frame', 'fps', 'bitrate', 'total_size', 'out_time_us', 'out_time_ms', 'out_time', 'speed', 'stream_0_0_q', 'dup_frames'),
  fc.string({ unit: 'binary', maxLength: 12 }),
);
const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
/** Blocks of `key=value` lines, each ended by a `progress=` line, with mixed line ends. */
const progressText = fc
  .array(
    fc.tuple(fc.array(fc.tuple(progressKey, progressValue, lineEnd), { maxLength: 14 }), fc.constantFrom('continue', 'end', 'x', ''), lineEnd),
    { maxLength: 8 },
  )
  .map((blocks) =>
    blocks.map(([lines, progress, end]) => `${lines.map(([key, value, eol]) => `${key}=${value}${eol}`).join('')}progress=${progress}${end}`).join(''),
  );

const PATHS = [
  { path: 'pushChunk() (the progress pipe)', feed: blocksThroughChunks },
  { path: 'split2 → pushLine() (a line stream)', feed: blocksThroughSplit2 },
];

describe.each(PATHS)('$path', ({ feed }) => {
  describe.each(TRANSCRIPTS)('a real transcript ($name)', ({ text }) => {
    const bytes = Buffer.from(text);
    const reference = blocksFromWholeLines(text, 2_000_000);

    test('the reference has blocks, the last one done, and no NaN', () => {
      expect(reference.length).toBeGreaterThanOrEqual(3);
      expect(reference.at(-1)?.done).toBe(true);
      expectNoNaN(reference);
    });

    test('any chunking through the line splitter gives exactly the blocks of whole lines', async () => {
      await fc.assert(
        fc.asyncProperty(cutsFor(bytes.length), async (offsets) => {
          expect(await feed(cut(bytes, offsets), 2_000_000)).toEqual(reference);
        }),
        { numRuns: 200 },
      );
    });

    test('one byte at a time gives the same blocks', async () => {
      expect(await feed(cut(bytes, Array.from(bytes.keys())), 2_000_000)).toEqual(reference);
    });

    // With \r\n a cut can fall between the \r and the \n: the splitter then yields one extra empty line, which the parser ignores.
    test.each([
      ['\\r\\n', '\r\n'],
      ['lone \\r', '\r'],
    ])('%s line ends in any chunking give the same blocks as \\n', async (_name, lineEnd) => {
      const converted = Buffer.from(text.replaceAll('\n', lineEnd));
      await fc.assert(
        fc.asyncProperty(cutsFor(converted.length), async (offsets) => {
          expect(await feed(cut(converted, offsets), 2_000_000)).toEqual(reference);
        }),
        { numRuns: 100 },
      );
    });

    test('cut off anywhere (ffmpeg killed mid-write): the blocks are the full run\'s first blocks, numbers exact; a cut block never comes out', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: bytes.length }), cutsFor(bytes.length), async (end, offsets) => {
          const prefix = bytes.subarray(0, end);
          const blocks = await feed(cut(prefix, offsets), 2_000_000);
          expect(blocks.map(withoutProgressKey)).toEqual(reference.slice(0, blocks.length).map(withoutProgressKey));
          expect(blocks.length).toBe(prefix.toString().match(/progress=(?:continue|end)(?![a-z])/g)?.length ?? 0); // every block whose end line is whole, no other
        }),
        { numRuns: 200 },
      );
    });

    // A stream cut inside the `progress=end` line (`progress=`, `progress=en`) ends no block.
    test('cut inside the `progress=` line: that block is not emitted (or is emitted exactly)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: bytes.length }), async (end) => {
          const blocks = await feed([bytes.subarray(0, end)], 2_000_000);
          expect(blocks).toEqual(reference.slice(0, blocks.length));
        }),
        { numRuns: 300 },
      );
    });
  });

  describe('arbitrary input', () => {
    test('arbitrary bytes in arbitrary chunks never throw and never give NaN', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), fc.option(fc.integer({ min: 1, max: 1e12 })), async (chunks, expected) => {
          expectNoNaN(await feed(chunks, expected ?? undefined));
        }),
        { numRuns: 300 },
      );
    });

    test('key=value lines with garbage values, mixed line ends, any chunking → the same blocks as whole lines, never NaN', async () => {
      const textAndCuts = progressText.chain((text) => fc.tuple(fc.constant(text), cutsFor(Buffer.byteLength(text))));
      await fc.assert(
        fc.asyncProperty(textAndCuts, fc.option(fc.integer({ min: 1, max: 1e12 })), async ([text, offsets], expected) => {
          const blocks = await feed(cut(Buffer.from(text), offsets), expected ?? undefined);
          expectNoNaN(blocks);
          expect(blocks).toEqual(blocksFromWholeLines(text, expected ?? undefined));
        }),
        { numRuns: 300 },
      );
    });

    test('a line longer than MAX_LINE_LENGTH is dropped wherever the chunks cut it, also when the stream ends inside it', async () => {
      const overlong = `stream_0_0_q=${'9'.repeat(MAX_LINE_LENGTH)}`;
      const texts = progressText.chain((before) =>
        fc.tuple(fc.constant(before), progressText, fc.constantFrom('\n', '\r\n', '\r', '')).map(([head, tail, end]) => ({
          text: end === '' ? `${head}${overlong}` : `${head}${overlong}${end}${tail}`,
          withoutLine: end === '' ? head : `${head}${end}${tail}`,
        })),
      );
      await fc.assert(
        fc.asyncProperty(texts, fc.array(fc.integer({ min: 1, max: MAX_LINE_LENGTH * 2 }), { maxLength: 12 }), async ({ text, withoutLine }, offsets) => {
          expect(await feed(cut(Buffer.from(text), offsets))).toEqual(blocksFromWholeLines(withoutLine));
        }),
        { numRuns: 40 },
      );
    });
  });
});

test('parseProgressBlock on any record of strings never gives NaN', () => {
  fc.assert(
    fc.property(fc.dictionary(progressKey, progressValue), fc.option(fc.double({ min: -1e15, max: 1e15, noNaN: true })), (raw, expected) => {
      expectNoNaN([parseProgressBlock(raw, expected ?? undefined)]);
    }),
    { numRuns: 1_000 },
  );
});

