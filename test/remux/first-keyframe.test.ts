import { expect, test } from 'vitest';
import { firstKeyframeArgs, parseFirstKeyframe } from '../../src/remux/first-keyframe.js';

test('lists the first packets of one stream by absolute index, as CSV, the path as file:', () => {
  expect(firstKeyframeArgs('file:rec.ts', 3)).toEqual([
    '-v', 'quiet', '-fflags', '+discardcorrupt', '-select_streams', '3', '-show_entries', 'packet=pts_time,dts_time,flags',
    '-read_intervals', '%+#600', '-of', 'csv=p=0', 'file:file:rec.ts',
  ]);
});

test.each([
  ['the first K-flagged packet (ffprobe 5.1 flags)', '5.610911,5.530911,__,\n\n5.650911,5.570911,__,\n9.410911,9.330911,K__,side_data,\n', 9.410911],
  ['dts when pts is N/A (2023 build flags)', 'N/A,1.5,K_\n', 1.5],
  ['no keyframe in the scanned packets', '1.0,1.0,__\n2.0,2.0,_D\n', undefined],
  ['empty answer', '', undefined],
])('%s', (_name, csv, expected) => {
  expect(parseFirstKeyframe(csv)).toBe(expected);
});
