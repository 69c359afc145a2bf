import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createFakeFfmpeg, type FakeFfmpeg, scenarios } from 'ffmpeg-supervisor/testing';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { createStreamService, parseRange } from '../../examples/http-stream-mp4.js';
import { createTempDir, ffprobeJson, generateTs, NPM_FFMPEG_PATH, removeTempDir, SYSTEM_FFMPEG_PATH } from '../helpers/media.js';

type Service = ReturnType<typeof createStreamService>;
const services: Service[] = [];
const fakes: FakeFfmpeg[] = [];
const cacheDirs: string[] = [];
let dir: string;

beforeAll(() => {
  dir = createTempDir('http-stream-example-');
});

afterEach(async () => {
  for (const service of services.splice(0)) await service.close();
  for (const fake of fakes.splice(0)) fake.cleanup();
  for (const cacheDir of cacheDirs.splice(0)) removeTempDir(cacheDir);
});

afterAll(() => removeTempDir(dir));

async function start(options: Omit<Parameters<typeof createStreamService>[0], 'recordingsDir' | 'cacheDir'>, name: string) {
  const cacheDir = createTempDir(`http-stream-${name}-`);
  cacheDirs.push(cacheDir);
  const service = createStreamService({ recordingsDir: dir, cacheDir, ...options });
  services.push(service);
  const base = await service.listen();
  return { service, url: (id: string) => `${base}/recordings/${id}/stream.mp4`, cacheDir };
}

describe.skipIf(SYSTEM_FFMPEG_PATH === undefined && NPM_FFMPEG_PATH === undefined)('with real ffmpeg', () => {
  beforeAll(async () => {
    await generateTs(dir, '42.ts', { videoCodec: 'libx264', audioCodec: 'ac3', durationSec: 2 });
  }, 60_000);

  test('GET remuxes once for concurrent requests, then serves a valid MP4 whole and by range', async () => {
    const { service, url } = await start({ waitMs: 60_000 }, 'real');
    let attempts = 0;
    service.ladder.on('attempt', () => attempts++);

    const [first, second] = await Promise.all([fetch(url('42')), fetch(url('42'))]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(attempts).toBe(1);
    const body = Buffer.from(await first.arrayBuffer());
    expect(body.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(first.headers.get('content-type')).toBe('video/mp4');
    expect(first.headers.get('accept-ranges')).toBe('bytes');
    expect(Number(first.headers.get('content-length'))).toBe(body.length);
    expect(Buffer.from(await second.arrayBuffer()).equals(body)).toBe(true);
    const received = path.join(dir, 'received.mp4');
    writeFileSync(received, body);
    expect((await ffprobeJson(received)).streams.map((stream) => stream.codec_name).sort()).toEqual(['aac', 'h264']);

    const ranged = await fetch(url('42'), { headers: { range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe(`bytes 0-99/${body.length}`);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(body.subarray(0, 100))).toBe(true);
    const tail = await fetch(url('42'), { headers: { range: 'bytes=-10' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(body.subarray(-10))).toBe(true);
    expect((await fetch(url('42'), { headers: { range: `bytes=${body.length}-` } })).status).toBe(416);
    expect(attempts).toBe(1);
  }, 60_000);
});

describe('with a fake ffmpeg that hangs', () => {
  beforeAll(() => {
    for (const id of ['7', '8']) writeFileSync(path.join(dir, `${id}.ts`), 'a recording');
  });

  test('503 with Retry-After while busy, while every slot is taken, and after the stall', async () => {
    const fake = createFakeFfmpeg(scenarios.progressThenHang({ blocks: 2, everyMs: 20 }));
    fakes.push(fake);
    const { service, url } = await start(
      {
        maxJobs: 1,
        waitMs: 50,
        stallCooldownMs: 60_000,
        ladder: { ffmpegPath: fake.path, ffprobePath: fake.path, stallTimeoutMs: 400, startupGraceMs: 0 },
      },
      'stuck',
    );
    const stalled = new Promise((resolve) => service.ladder.once('stall', resolve));

    const busy = await fetch(url('7'));
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('5');
    const full = await fetch(url('8'));
    expect(full.status).toBe(503);
    expect(await full.text()).toBe('every remux slot is busy\n');

    await stalled;
    let afterStall = await fetch(url('7'));
    while (afterStall.headers.get('retry-after') === '5') afterStall = await fetch(url('7')); // until the job has ended
    expect(afterStall.status).toBe(503);
    expect(Number(afterStall.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(await afterStall.text()).toMatch(/stalled/);
    expect((await fetch(url('nope'))).status).toBe(404);
  }, 30_000);
});

test.each([
  [undefined, undefined],
  ['bytes=0-99', { start: 0, end: 99 }],
  ['bytes=990-', { start: 990, end: 999 }],
  ['bytes=-10', { start: 990, end: 999 }],
  ['bytes=900-5000', { start: 900, end: 999 }],
  ['bytes=1000-', 'unsatisfiable'],
  ['bytes=-0', 'unsatisfiable'],
  ['bytes=0-1,5-6', undefined],
  ['items=0-1', undefined],
])('parseRange(%j) of 1000 bytes → %j', (header, expected) => {
  expect(parseRange(header, 1_000)).toEqual(expected);
});
