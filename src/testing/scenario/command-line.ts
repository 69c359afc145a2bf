/** What the fakes read from the command line they were started with. Pure. */

/** The value after the last occurrence of `name`, like ffmpeg's option parser (the last one wins). */
export function optionValue(args: readonly string[], name: string): string | undefined {
  const index = args.lastIndexOf(name);
  return index < 0 ? undefined : args[index + 1];
}

/** The output (or, for ffprobe, input) path: the last argument without a `file:` prefix. */
export function lastPathArgument(args: readonly string[]): string {
  const last = args.at(-1);
  if (last === undefined) throw new Error('At least one output file must be specified');
  return last.replace(/^file:/, '');
}

/** Where the output goes: stdout for `-`, `pipe:` and `pipe:1`; a file path; or nowhere (another pipe, or no output argument). */
export function outputTarget(args: readonly string[]): 'stdout' | { readonly file: string } | undefined {
  const last = args.at(-1);
  if (last === undefined) return undefined;
  if (last === '-' || last === 'pipe:' || last === 'pipe:1') return 'stdout';
  if (last.startsWith('-') || last.startsWith('pipe:')) return undefined;
  return { file: last.replace(/^file:/, '') };
}

/** Where `-progress <url>` goes: `pipe:N` is fd N (`pipe:` alone is stdout), anything else a file. */
export function parseProgressTarget(url: string | undefined): { readonly fd: number } | { readonly file: string } | undefined {
  if (url === undefined) return undefined;
  const pipe = /^pipe:(\d*)$/.exec(url);
  return pipe ? { fd: Number(pipe[1] || 1) } : { file: url.replace(/^file:/, '') };
}

/** Whether a call is for ffprobe: the binary's name says so, or it asks for what only ffprobe prints. */
export function isFfprobeCall(file: string, args: readonly string[]): boolean {
  const name = file.split(/[\\/]/).at(-1) ?? file;
  return name.toLowerCase().includes('ffprobe') || args.includes('-show_streams') || args.includes('-show_format');
}
