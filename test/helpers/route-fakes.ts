import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeFfmpeg, type FakeFfmpeg } from '../../src/testing/subprocess/fake-ffmpeg.js';
import type { FakeFfmpegScenario } from '../../src/testing/scenario/format.js';

export interface RoutedFake {
  readonly path: string;
  cleanup(): void;
}

/**
 * One executable that plays a different scenario depending on the arguments, so a ladder can
 * meet a different ffmpeg on each rung: the first route whose marker appears among the
 * arguments wins (`-ss` marks default, `-max_interleave_delta` fallback, `libx264` transcode).
 */
export function routeFakesByArgs(
  routes: ReadonlyArray<{ readonly marker: string; readonly scenario: FakeFfmpegScenario }>,
  fallbackScenario: FakeFfmpegScenario,
): RoutedFake {
  const fakes: FakeFfmpeg[] = [];
  const make = (scenario: FakeFfmpegScenario) => {
    const fake = createFakeFfmpeg(scenario);
    fakes.push(fake);
    return fake.path;
  };
  const dir = mkdtempSync(join(tmpdir(), 'ffsup-route-'));
  const cases = routes.map(({ marker, scenario }) => `    *" ${marker} "*) exec '${make(scenario)}' "$@" ;;`).join('\n');
  const script = `#!/bin/sh\ncase " $* " in\n${cases}\n    *) exec '${make(fallbackScenario)}' "$@" ;;\nesac\n`;
  const path = join(dir, 'ffmpeg');
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return {
    path,
    cleanup: () => {
      for (const fake of fakes) fake.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
