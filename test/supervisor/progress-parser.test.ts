import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { computePercent, parseProgressBlock, ProgressParser } from '../../src/supervisor/progress-parser.js';

const transcript = readFileSync(new URL('../fixtures/progress/ffmpeg-5.1-copy-aac.txt', import.meta.url), 'utf8');

function parseAll(text: string, expectedDurationUs?: number) {
  const parser = new ProgressParser(expectedDurationUs);
  return text.split(/\r?\n|\r/).flatMap((line) => parser.pushLine(line) ?? []);
}

describe('ProgressParser', () => {
  test('a real ffmpeg 5.1 transcript gives three typed blocks, the last one done', () => {
    const blocks = parseAll(transcript);
    expect(blocks).toHaveLength(3);
    expect(blocks[2]).toMatchObject({
      frame: 500,
      fps: 0,
      bitrateKbps: 1845.1,
      totalSize: 6_696_383,
      outTimeUs: 29_034_667,
      speed: 52.8,
      done: true,
      percent: undefined,
    });
    expect(blocks[2]?.raw.stream_0_0_q).toBe('-1.0');
    expect(blocks.map((block) => block.done)).toEqual([false, false, true]);
  });

  test('N/A becomes undefined, never NaN', () => {
    const [first] = parseAll(transcript);
    expect(first).toMatchObject({ bitrateKbps: undefined, outTimeUs: undefined, speed: undefined, totalSize: 48 });
    for (const value of Object.values(first ?? {})) expect(Number.isNaN(value)).toBe(false);
  });

  test.each([
    ['speed=   0x', 'speed', 0],
    ['speed= 100x', 'speed', 100],
    ['bitrate=   3.1kbits/s', 'bitrateKbps', 3.1],
    ['out_time_us=-23220', 'outTimeUs', -23_220],
    ['out_time=-00:00:00.023220', 'outTimeUs', -23_220],
    ['out_time=01:02:03.5', 'outTimeUs', 3_723_500_000],
    ['out_time_ms=1500000', 'outTimeUs', 1_500_000],
    ['fps=29.97', 'fps', 29.97],
    ['frame=garbage', 'frame', undefined],
    ['total_size=12abc', 'totalSize', undefined],
    ['speed=infx', 'speed', undefined],
  ])('%s → %s = %s', (line, key, expected) => {
    const parser = new ProgressParser();
    parser.pushLine(line);
    const block = parser.pushLine('progress=continue') as unknown as Record<string, unknown>;
    expect(block[key]).toBe(expected);
  });

  test('unknown keys and several stream_*_q keys are kept in raw; audio-only blocks have no frame', () => {
    const [block] = parseAll('stream_0_0_q=23.0\nstream_0_1_q=-1.0\nnew_key_from_ffmpeg_8=x\nout_time_us=5\nprogress=continue\n');
    expect(block?.raw).toMatchObject({ stream_0_0_q: '23.0', stream_0_1_q: '-1.0', new_key_from_ffmpeg_8: 'x' });
    expect(block?.frame).toBeUndefined();
  });

  test('a key written twice keeps its last value, padded or not; nothing carries over to the next block', () => {
    const [first, second] = parseAll('frame=3\n frame = 7\nout_time_us=1\nstream_0_0_q=2.0\nstream_0_0_q=5.0\nx=1\nx=2\nprogress=continue\nspeed=1x\nprogress=end\n');
    expect(first?.raw).toEqual({ frame: '7', out_time_us: '1', stream_0_0_q: '5.0', x: '2', progress: 'continue' });
    expect(first?.frame).toBe(7);
    expect(second?.raw).toEqual({ speed: '1x', progress: 'end' });
    expect(second).toMatchObject({ frame: undefined, outTimeUs: undefined, speed: 1, done: true });
  });

  test('keys that only look like the usual ones are kept as written', () => {
    const [block] = parseAll('frames=1\nFrame=2\nout_time_ux=3\nspeed_=4\nprogress=continue\n');
    expect(block?.raw).toEqual({ frames: '1', Frame: '2', out_time_ux: '3', speed_: '4', progress: 'continue' });
    expect(block).toMatchObject({ frame: undefined, outTimeUs: undefined, speed: undefined });
  });

  test('a block cut off by the process dying is never emitted', () => {
    expect(parseAll('frame=1\nout_time_us=100\nprogre')).toEqual([]);
  });

  test('lines without a key are ignored', () => {
    expect(parseAll('garbage\n=5\n\nprogress=continue')).toHaveLength(1);
  });

  test('percent is computed only with an expected duration, clamped to 0–100', () => {
    const blocks = parseAll(transcript, 20_000_000);
    expect(blocks.map((block) => block.percent)).toEqual([undefined, 72.766665, 100]);
    expect(computePercent(-5, 100)).toBe(0);
    expect(computePercent(5, 0)).toBeUndefined();
  });

  test('out_time_us is preferred over out_time_ms and out_time', () => {
    expect(parseProgressBlock({ out_time_us: '10', out_time_ms: '20', out_time: '00:00:01.0' }).outTimeUs).toBe(10);
  });
});

test('a progress line cut mid-value (progress=en) ends no block', () => {
  const parser = new ProgressParser();
  expect(parser.pushLine('out_time_us=5')).toBeUndefined();
  expect(parser.pushLine('progress=en')).toBeUndefined();
  expect(parser.pushLine('progress=')).toBeUndefined();
});

describe('ProgressParser.pushChunk() and end()', () => {
  test('a real transcript in odd-sized byte chunks gives the same blocks as whole lines', () => {
    const bytes = Buffer.from(transcript);
    const parser = new ProgressParser(20_000_000);
    const blocks = [];
    for (let offset = 0; offset < bytes.length; offset += 7) blocks.push(...parser.pushChunk(bytes.subarray(offset, offset + 7)));
    blocks.push(...parser.end());
    expect(blocks).toEqual(parseAll(transcript, 20_000_000));
  });

  test('a chunk can complete several blocks; a last progress=end without a line end completes at end()', () => {
    const parser = new ProgressParser();
    expect(parser.pushChunk('frame=1\nprogress=continue\nframe=2\nprogress=continue\nframe=3\nprogress=end').map((block) => block.frame)).toEqual([1, 2]);
    expect(parser.end().map((block) => [block.frame, block.done])).toEqual([[3, true]]);
    expect(parser.end()).toEqual([]);
  });

  test('no block: an empty, frozen list', () => {
    const parser = new ProgressParser();
    const none = parser.pushChunk('frame=1\n');
    expect(none).toEqual([]);
    expect(Object.isFrozen(none)).toBe(true);
  });
});
