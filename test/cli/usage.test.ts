import { describe, expect, test } from 'vitest';
import { TRANSCODE_OPTIONS } from '../../src/cli/transcode-flags.js';
import { helpText } from '../../src/cli/usage.js';
import { DEFAULT_TRANSCODE_OPTIONS, VIDEO_ENCODER_CHOICES } from '../../src/remux/transcode-options.js';

const help = helpText('0.0.0');
/** The lines of the block that starts with `heading`, up to the next blank line. */
const block = (heading: string) => help.slice(help.indexOf(heading)).split('\n\n')[0] ?? '';

describe('--help: the remux transcode options', () => {
  const transcodeBlock = block('remux transcode options');

  test.each(Object.keys(TRANSCODE_OPTIONS))('--%s is listed', (name) => {
    expect(transcodeBlock).toMatch(new RegExp(`^ {2}--${name} <[^>]+> +\\S`, 'm'));
  });

  test('every encoder choice is named', () => {
    for (const encoder of VIDEO_ENCODER_CHOICES) expect(transcodeBlock).toContain(encoder);
  });

  test("the defaults shown are the library's", () => {
    expect(transcodeBlock).toContain(`${DEFAULT_TRANSCODE_OPTIONS.encoder} (default)`);
    expect(transcodeBlock).toContain(`(default ${DEFAULT_TRANSCODE_OPTIONS.preset})`);
    expect(transcodeBlock).toContain(`(default ${DEFAULT_TRANSCODE_OPTIONS.crf})`);
    expect(transcodeBlock).toContain(`(default ${DEFAULT_TRANSCODE_OPTIONS.threads}: every core)`);
    expect(transcodeBlock).toContain("(default: the host's)");
    expect(transcodeBlock).toContain(`(default ${DEFAULT_TRANSCODE_OPTIONS.vaapiDevice})`);
  });
});
