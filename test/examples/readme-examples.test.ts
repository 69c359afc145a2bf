import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';

const read = (relative: string): string => readFileSync(new URL(`../../${relative}`, import.meta.url), 'utf8');

/** The fenced ```ts blocks of a Markdown section. */
function codeBlocksOf(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const next = markdown.indexOf('\n## ', start + heading.length + 2);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

test("the README's ladder test is the example file CI runs, character for character", () => {
  const blocks = codeBlocksOf(read('README.md'), '## Testing your own code with the kit');
  expect(blocks).toContain(read('examples/ladder-unit-test.test.ts'));
});
