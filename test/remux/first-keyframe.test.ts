import { expect, test } from 'vitest';
import { firstKeyframeArgs, parseFirstKeyframe } from '../../src/remux/first-keyframe.js';

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
