import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { clearCapabilitiesCache, parseCapabilities, probeCapabilities } from '../../src/supervisor/capabilities.js';
import { createTempDir, NPM_FFMPEG_PATH, removeTempDir, SYSTEM_FFMPEG_PATH } from '../helpers/media.js';

const DEBIAN_ENCODERS = [
  'Encoders:',
  ' V..... = Video',
  ' A..... = Audio',
  ' ------',
  ' V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)',
  ' V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)',
  ' V..... h264_qsv             H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (Intel Quick Sync Video acceleration) (codec h264)',
  ' V....D h264_vaapi           H.264/AVC (VAAPI) (codec h264)',
  ' A....D aac                  AAC (Advanced Audio Coding)',
].join('\n');

describe('parseCapabilities', () => {
  test.each([
    [
      'Debian 5.1: banner, encoders, options',
      ['ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026', DEBIAN_ENCODERS, '-stats_period time  set the period\n-fps_mode  set framerate mode'],
      { version: '5.1.9-0+deb12u1', hasFpsMode: true, encoders: ['libx264', 'h264_nvenc', 'h264_qsv', 'h264_vaapi', 'aac'] },
    ],
    [
      'the 2018 static build',
      ['ffmpeg version N-47683-g0e8eb07980-static https://', ' V..... libx264              libx264 H.264', '-vsync              video sync method'],
      { version: 'N-47683-g0e8eb07980-static', hasFpsMode: false, encoders: ['libx264'] },
    ],
    ['help text only (the fake)', ['-fps_mode  set framerate mode'], { version: 'unknown', hasFpsMode: true, encoders: [] }],
    ['garbage', ['garbage', ''], { version: 'unknown', hasFpsMode: false, encoders: [] }],
  ])('%s', (_name, texts, expected) => {
    expect(parseCapabilities(...texts)).toEqual(expected);
  });

  test('an option named in another line’s description is not taken for an option', () => {
    expect(parseCapabilities('', '-vsync  deprecated, use -fps_mode').hasFpsMode).toBe(false);
  });
});

describe('probeCapabilities on real binaries', () => {
  afterEach(clearCapabilitiesCache);

  test.skipIf(!NPM_FFMPEG_PATH)('the npm static build (2018): no -fps_mode; libx264 and h264_vaapi listed', async () => {
    const capabilities = await probeCapabilities(NPM_FFMPEG_PATH as string);
    expect(capabilities).toMatchObject({ version: 'N-47683-g0e8eb07980-static', hasFpsMode: false });
    expect(capabilities.encoders).toEqual(expect.arrayContaining(['libx264', 'h264_vaapi', 'aac']));
    expect(capabilities.encoders).not.toContain('h264_nvenc');
  });

  test.skipIf(!SYSTEM_FFMPEG_PATH)("Debian's 5.1: -fps_mode; libx264 and the three hardware H.264 encoders listed", async () => {
    const capabilities = await probeCapabilities(SYSTEM_FFMPEG_PATH as string);
    expect(capabilities.version).toMatch(/^5\.1\./);
    expect(capabilities.hasFpsMode).toBe(true);
    expect(capabilities.encoders).toEqual(expect.arrayContaining(['libx264', 'h264_vaapi', 'h264_nvenc', 'h264_qsv', 'aac']));
  });

  test('answers are kept per path; a failed probe is not', async () => {
    const path = NPM_FFMPEG_PATH ?? SYSTEM_FFMPEG_PATH ?? 'ffmpeg';
    expect(probeCapabilities(path)).toBe(probeCapabilities(path));
    const missing = probeCapabilities('/no/such/ffmpeg');
    await expect(missing).rejects.toMatchObject({ code: 'ENOENT' });
    expect(probeCapabilities('/no/such/ffmpeg')).not.toBe(missing);
    await probeCapabilities('/no/such/ffmpeg').catch(() => {});
    await probeCapabilities(path);
  });

  test.each([
    [{ timeoutMs: 0 }, /timeoutMs must be a positive number of milliseconds, got 0/],
    [{ timeoutMs: Number.NaN }, /timeoutMs .* got NaN/],
    [{ cacheDirectory: '' }, /cacheDirectory must be a non-empty path, got ""/],
  ])('rejects bad options eagerly: %j', (options, message) => {
    expect(() => probeCapabilities('/no/such/ffmpeg', options)).toThrow(TypeError);
    expect(() => probeCapabilities('/no/such/ffmpeg', options)).toThrow(message);
  });
});

describe('the probe’s processes', () => {
  const dir = createTempDir('ffsup-caps-');
  afterAll(() => removeTempDir(dir));
  afterEach(clearCapabilitiesCache);

  test.skipIf(!(SYSTEM_FFMPEG_PATH ?? NPM_FFMPEG_PATH))('one probe starts two processes: the option list, and the banner with the encoders', async () => {
    const log = join(dir, 'starts.log');
    const wrapper = join(dir, 'ffmpeg');
    writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${SYSTEM_FFMPEG_PATH ?? NPM_FFMPEG_PATH}' "$@"\n`);
    chmodSync(wrapper, 0o755);
    const capabilities = await probeCapabilities(wrapper);
    expect(readFileSync(log, 'utf8').trim().split('\n').sort()).toEqual(['-encoders -h', '-hide_banner -h long']);
    expect(capabilities.version).not.toBe('unknown');
    expect(capabilities.encoders).toContain('libx264');
  });
});
