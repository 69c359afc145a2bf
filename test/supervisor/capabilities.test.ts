import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { clearCapabilitiesCache, parseCapabilities, probeCapabilities } from '../../src/supervisor/capabilities.js';
import { resolveFfmpegPath } from '../../src/supervisor/resolve-path.js';

describe('parseCapabilities', () => {
  test.each([
    ['ffmpeg version 5.1.9-0+deb12u1 Copyright', '-stats_period time  set the period\n-fps_mode  set framerate mode', { version: '5.1.9-0+deb12u1', majorVersion: 5, hasStatsPeriod: true, hasFpsMode: true }],
    ['ffmpeg version N-47683-g0e8eb07980-static https://', '-vsync              video sync method', { version: 'N-47683-g0e8eb07980-static', majorVersion: undefined, hasStatsPeriod: false, hasFpsMode: false }],
    ['ffmpeg version n7.1 Copyright', '-stats_period\n-fps_mode', { version: 'n7.1', majorVersion: 7, hasStatsPeriod: true, hasFpsMode: true }],
    ['garbage', '', { version: 'unknown', majorVersion: undefined, hasStatsPeriod: false, hasFpsMode: false }],
  ])('%s', (versionText, helpText, expected) => {
    expect(parseCapabilities(versionText, helpText)).toEqual(expected);
  });

  test('an option named in another line’s description is not taken for an option', () => {
    expect(parseCapabilities('', '-vsync  deprecated, use -fps_mode').hasFpsMode).toBe(false);
  });
});

describe('probeCapabilities on real binaries', () => {
  test('the npm static build (2018) has neither -stats_period nor -fps_mode', async () => {
    expect(await probeCapabilities(resolveFfmpegPath())).toMatchObject({ hasStatsPeriod: false, hasFpsMode: false });
  });

  test.skipIf(!existsSync('/usr/bin/ffmpeg'))("Debian's 5.1 has both", async () => {
    expect(await probeCapabilities('/usr/bin/ffmpeg')).toMatchObject({ majorVersion: 5, hasStatsPeriod: true, hasFpsMode: true });
  });

  test('answers are cached per path; a failed probe is not', async () => {
    const path = resolveFfmpegPath();
    expect(probeCapabilities(path)).toBe(probeCapabilities(path));
    const missing = probeCapabilities('/no/such/ffmpeg');
    await expect(missing).rejects.toMatchObject({ code: 'ENOENT' });
    expect(probeCapabilities('/no/such/ffmpeg')).not.toBe(missing);
    await probeCapabilities('/no/such/ffmpeg').catch(() => {});
    clearCapabilitiesCache();
  });
});
