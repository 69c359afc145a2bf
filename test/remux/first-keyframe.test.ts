import { expect, test } from 'vitest';
import { firstKeyframeArgs, keyframeOffsetSec, parseFirstKeyframe } from '../../src/remux/first-keyframe.js';

test('lists the first packets of one stream by absolute index, as JSON, the path as file:', () => {
  expect(firstKeyframeArgs('file:rec.ts', 3)).toEqual([
    '-v', 'quiet', '-fflags', '+discardcorrupt', '-select_streams', '3', '-show_entries', 'packet=pts_time,dts_time,flags:format=format_name',
    '-show_format', '-read_intervals', '%+#600', '-print_format', 'json', 'file:file:rec.ts',
  ]);
});

const packets = (...list: Array<Record<string, string>>) => JSON.stringify({ packets: list, format: { format_name: 'mpegts' } });

test.each([
  ['the first K-flagged packet (ffprobe 5.1 flags)', packets({ pts_time: '5.61', dts_time: '5.53', flags: '__' }, { pts_time: '9.410911', dts_time: '9.33', flags: 'K_' }), 9.410911],
  ['dts when pts is N/A (2023 build flags)', packets({ pts_time: 'N/A', dts_time: '1.5', flags: 'K__' }), 1.5],
  ['no keyframe in the scanned packets', packets({ pts_time: '1.0', flags: '__' }, { pts_time: '2.0', flags: '_D' }), undefined],
  ['no packets (the test kit\'s fake ffprobe answers with streams only)', JSON.stringify({ streams: [], format: {} }), undefined],
  ['not JSON', 'oops', undefined],
])('%s', (_name, json, expected) => {
  expect(parseFirstKeyframe(json)).toBe(expected);
});

test('in the input probe\'s listing of all streams, only the named stream\'s packets count', () => {
  const listing = JSON.stringify({
    packets: [
      { stream_index: 1, pts_time: '0.50', flags: 'K_' },
      { stream_index: 0, pts_time: '0.60', flags: '__' },
      { stream_index: 2, pts_time: '0.70', flags: 'K_' },
      { stream_index: 0, pts_time: '1.80', flags: 'K_' },
    ],
    streams: [],
  });
  expect(parseFirstKeyframe(listing, 0)).toBe(1.8);
  expect(parseFirstKeyframe(listing, 2)).toBe(0.7);
  expect(parseFirstKeyframe(listing, 3)).toBeUndefined();
  expect(parseFirstKeyframe(listing)).toBe(0.5);
});

test.each([
  ['a keyframe after the start', 12.5, 10, 2.5],
  ['at the start', 10, 10, 0],
  ['before the start (implausible)', 9, 10, undefined],
  ['a minute or more after the start (implausible)', 75, 10, undefined],
  ['no start time', 12, undefined, undefined],
  ['no keyframe', undefined, 10, undefined],
])('keyframeOffsetSec: %s', (_name, keyframe, start, expected) => {
  expect(keyframeOffsetSec(keyframe, start)).toBe(expected);
});
