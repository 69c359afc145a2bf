import { describe, expect, test } from 'vitest';
import {
  estimateRemainingMs,
  fitToWidth,
  formatEta,
  formatPercent,
  formatProgressLine,
  formatSpeed,
  renderBar,
} from '../../src/cli/progress-format.js';

describe('renderBar', () => {
  test.each([
    [0, 10, '░░░░░░░░░░'],
    [42, 10, '████░░░░░░'],
    [99.9, 10, '█████████░'],
    [100, 10, '██████████'],
    [150, 4, '████'],
    [-5, 4, '░░░░'],
    [Number.NaN, 4, '░░░░'],
    [50, 0, ''],
  ])('%d%% over %d cells', (percent, width, bar) => {
    expect(renderBar(percent, width)).toBe(bar);
    expect([...renderBar(percent, width)]).toHaveLength(width);
  });
});

describe('estimateRemainingMs', () => {
  test.each([
    // 4 s of 10 s done at 2x: 6 s of media left → 3 s.
    [4_000_000, 40, 2, 3_000],
    [5_000_000, 50, 1, 5_000],
    [10_000_000, 100, 3, 0],
    [4_000_000, 40, undefined, undefined],
    [4_000_000, undefined, 2, undefined],
    [undefined, 40, 2, undefined],
    [0, 0, 2, undefined],
    [4_000_000, 40, 0, undefined],
  ])('out %s µs at %s%%, %sx → %s ms', (outTimeUs, percent, speed, remaining) => {
    expect(estimateRemainingMs(outTimeUs, percent, speed)).toBe(remaining);
  });
});

describe('formatEta, formatPercent, formatSpeed', () => {
  test.each([
    [undefined, 'ETA --'],
    [0, 'ETA 0s'],
    [1, 'ETA 1s'],
    [12_300, 'ETA 13s'],
    [125_000, 'ETA 2m05s'],
    [-3, 'ETA --'],
  ])('formatEta(%s) → %s', (ms, text) => {
    expect(formatEta(ms)).toBe(text);
  });

  test.each([
    [0, '  0.0%'],
    [42.04, ' 42.0%'],
    [100, '100.0%'],
    [180, '100.0%'],
  ])('formatPercent(%d) → %j', (percent, text) => {
    expect(formatPercent(percent)).toBe(text);
  });

  test.each([
    [undefined, '--x'],
    [0.5, '0.50x'],
    [12.345, '12.3x'],
  ])('formatSpeed(%s) → %s', (speed, text) => {
    expect(formatSpeed(speed)).toBe(text);
  });
});

describe('formatProgressLine', () => {
  test('remux: strategy, bar, percent, media time, frame, speed, ETA', () => {
    expect(formatProgressLine({ label: 'default', percent: 40, outTimeUs: 4_000_000, frame: 100, speed: 2 }, 10)).toBe(
      '[default]  ████░░░░░░  40.0%  00:00:04.00  frame 100  2.00x  ETA 3s',
    );
  });

  test('plain lines have no bar', () => {
    expect(formatProgressLine({ label: 'fallback', percent: 40, outTimeUs: 4_000_000, speed: 2 }, 0)).toBe(
      '[fallback]  40.0%  00:00:04.00  2.00x  ETA 3s',
    );
  });

  test('run without an expected duration: time, frame and speed only', () => {
    expect(formatProgressLine({ outTimeUs: 61_500_000, frame: 1537, speed: 25.3 }, 10)).toBe('00:01:01.50  frame 1537  25.3x');
  });

  test('a done block shows 100 % and no time left', () => {
    expect(formatProgressLine({ percent: 95, outTimeUs: 19_000_000, speed: 30, done: true }, 4)).toBe(
      '████ 100.0%  00:00:19.00  30.0x  ETA 0s',
    );
  });

  test('unknown numbers leave their field out', () => {
    expect(formatProgressLine({}, 10)).toBe('--x');
  });
});

describe('fitToWidth', () => {
  test.each([
    ['short', 80, 'short'],
    ['exactly9!', 10, 'exactly9!'],
    ['exactly10!', 10, 'exactly1…'],
    ['█████', 4, '██…'],
    ['anything', undefined, 'anything'],
  ])('%j in %s columns → %j', (line, columns, fitted) => {
    expect(fitToWidth(line, columns)).toBe(fitted);
  });
});
