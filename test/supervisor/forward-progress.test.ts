import { describe, expect, test } from 'vitest';
import { ForwardProgressTracker } from '../../src/supervisor/forward-progress.js';
import { parseProgressBlock } from '../../src/supervisor/progress-parser.js';

const block = (raw: Record<string, string>) => parseProgressBlock({ progress: 'continue', ...raw });

describe('ForwardProgressTracker', () => {
  test('frozen numbers are not progress', () => {
    const tracker = new ForwardProgressTracker();
    expect(tracker.observe(block({ frame: '762', out_time_us: '25860000', total_size: '100' }))).toBe(true);
    for (let index = 0; index < 5; index += 1) {
      expect(tracker.observe(block({ frame: '762', out_time_us: '25860000', total_size: '100' }))).toBe(false);
    }
    expect(tracker.lastOutTimeUs).toBe(25_860_000);
  });

  test.each([
    ['out_time_us', { out_time_us: '2' }],
    ['frame', { frame: '2' }],
    ['total_size', { total_size: '2' }],
  ])('any one value moving forward is progress (%s)', (_name, next) => {
    const tracker = new ForwardProgressTracker();
    tracker.observe(block({ frame: '1', out_time_us: '1', total_size: '1' }));
    expect(tracker.observe(block({ frame: '1', out_time_us: '1', total_size: '1', ...next }))).toBe(true);
  });

  test('a value going backwards and returning is not progress until it passes its best', () => {
    const tracker = new ForwardProgressTracker();
    tracker.observe(block({ out_time_us: '100' }));
    expect(tracker.observe(block({ out_time_us: '50' }))).toBe(false);
    expect(tracker.observe(block({ out_time_us: '100' }))).toBe(false);
    expect(tracker.observe(block({ out_time_us: '101' }))).toBe(true);
  });

  test('a first block of zeros, N/A or a negative start time is not progress', () => {
    const tracker = new ForwardProgressTracker();
    expect(tracker.observe(block({ frame: '0', out_time_us: '-23220', total_size: 'N/A' }))).toBe(false);
    expect(tracker.observe(block({ frame: '0', out_time_us: '0', total_size: 'N/A' }))).toBe(true);
  });
});
