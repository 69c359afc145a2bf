import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RemuxLadder } from 'ffmpeg-supervisor';
import { createFakeFfmpeg, type FakeFfmpeg, scenarios } from 'ffmpeg-supervisor/testing';
import { Registry } from 'prom-client';
import { afterEach, expect, test } from 'vitest';
import { instrumentLadder, serveMetrics } from '../../examples/metrics-prom-client.js';

let fake: FakeFfmpeg | undefined;
let server: Server | undefined;
let dir: string | undefined;

afterEach(() => {
  fake?.cleanup();
  server?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

test('a stalled remux shows in /metrics: one stall, one stalled attempt, its duration', async () => {
  // The fake ffmpeg program (a real subprocess) answers ffprobe and the capability probe too.
  fake = createFakeFfmpeg(scenarios.progressThenHang({ blocks: 2, everyMs: 20 }));
  dir = mkdtempSync(path.join(tmpdir(), 'metrics-example-'));
  const input = path.join(dir, 'recording.ts');
  writeFileSync(input, 'a recording');
  const registry = new Registry();
  const ladder = new RemuxLadder({ ffmpegPath: fake.path, ffprobePath: fake.path, stallTimeoutMs: 300, startupGraceMs: 0 });
  instrumentLadder(ladder, registry);
  const served = await serveMetrics(registry);
  server = served.server;
  expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

  await expect(ladder.remux({ inputs: [input], output: path.join(dir, 'out.mp4') })).rejects.toMatchObject({ kind: 'stalled' });

  const response = await fetch(served.url);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const text = await response.text();
  expect(text).toContain('ffmpeg_remux_stalls_total{strategy="default"} 1');
  expect(text).toContain('ffmpeg_remux_attempts_total{strategy="default",kind="stalled"} 1');
  expect(text).toContain('ffmpeg_remux_attempt_duration_seconds_count{strategy="default"} 1');
  expect((await fetch(served.url.replace('/metrics', '/other'))).status).toBe(404);
});
