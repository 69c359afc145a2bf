/** How the CLI's option values reach Node's `util.parseArgs`. Pure. */

/**
 * `--timeout -5s` as `--timeout=-5s`: Node's parser refuses a value that starts with a dash
 * ("argument is ambiguous"), and every value a CLI option takes may (a negative duration, a
 * path). The value is then checked like any other. Tokens after `--` are left alone.
 */
export function joinDashValues(args: readonly string[], options: Readonly<Record<string, { type: string; short?: string }>>): string[] {
  const takesValue = new Map<string, string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.type !== 'string') continue;
    takesValue.set(`--${name}`, name);
    if (option.short !== undefined) takesValue.set(`-${option.short}`, name);
  }
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const name = takesValue.get(arg);
    if (arg === '--') return [...joined, ...args.slice(i)];
    if (name !== undefined && next !== undefined && next.startsWith('-') && next !== '--') {
      joined.push(`--${name}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}
