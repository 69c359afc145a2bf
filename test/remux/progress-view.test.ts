import { expect, test } from 'vitest';
import { ProgressView } from '../../src/remux/progress-view.js';
import type { FfmpegProgress } from '../../src/supervisor/progress-parser.js';

const block = (outTimeSec: number | undefined, speed?: number, done = false): FfmpegProgress =>
  ({ outTimeUs: outTimeSec === undefined ? undefined : outTimeSec * 1e6, speed, done, raw: {} }) as FfmpegProgress;

test('percent from the media duration, never above 100, never back; ETA from speed', () => {
  const view = new ProgressView(100);
  expect(view.next(block(10, 2))).toMatchObject({ percent: 10, etaMs: 45_000 });
  expect(view.next(block(50, 5))).toMatchObject({ percent: 50, etaMs: 10_000 });
  expect(view.next(block(20, 5))).toMatchObject({ percent: 50 }); // a timestamp jump back: percent holds
  expect(view.next(block(130, 5))).toMatchObject({ percent: 100, etaMs: 0 }); // past the probed end
  expect(view.next(block(100, undefined, true))).toMatchObject({ percent: 100, etaMs: 0 });
});

test('no speed yet → no ETA; no trusted duration → neither percent nor ETA', () => {
  expect(new ProgressView(100).next(block(10))).toMatchObject({ percent: 10, etaMs: undefined });
  expect(new ProgressView(undefined).next(block(10, 2))).toMatchObject({ percent: undefined, etaMs: undefined });
  expect(new ProgressView(100).next(block(undefined, 2))).toMatchObject({ percent: undefined, etaMs: undefined });
});
