import { expect, test } from 'vitest';
import { spawnEnvFor } from '../../src/supervisor/static-build-env.js';

const staticProbe = '/app/node_modules/@ffprobe-installer/linux-x64/ffprobe';

test('static installer builds get a GCONV_PATH that holds no modules', () => {
  const env = spawnEnvFor(staticProbe, { PATH: '/bin' });
  expect(env).toEqual({ PATH: '/bin', GCONV_PATH: '/app/node_modules/@ffprobe-installer/linux-x64/no-gconv-modules' });
  expect(spawnEnvFor('/x/@ffmpeg-installer/linux-x64/ffmpeg', {})?.GCONV_PATH).toMatch(/no-gconv-modules$/);
});

test("a host's own GCONV_PATH and other binaries are left alone", () => {
  expect(spawnEnvFor(staticProbe, { GCONV_PATH: '/custom' })).toEqual({ GCONV_PATH: '/custom' });
  expect(spawnEnvFor('/usr/bin/ffprobe', undefined)).toBeUndefined();
  const hostEnv = { A: '1' };
  expect(spawnEnvFor('/usr/bin/ffprobe', hostEnv)).toBe(hostEnv);
});
