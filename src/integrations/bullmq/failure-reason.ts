/**
 * The text BullMQ stores as the job's `failedReason`: the failure kind, the error's message,
 * and ffmpeg's last stderr lines, so `queue.getJob(id)` tells what happened without logs.
 */

/** The last `count` non-empty lines of `text`, each cut to `maxLineLength` characters. */
export function lastLines(text: string, count: number, maxLineLength = 300): string[] {
  if (count <= 0) return [];
  const lines: string[] = [];
  for (const raw of text.split(/\r\n|\r|\n/).reverse()) {
    const line = raw.trimEnd();
    if (line.trim() === '') continue;
    lines.unshift(line.length > maxLineLength ? `${line.slice(0, maxLineLength)}…` : line);
    if (lines.length === count) break;
  }
  return lines;
}

/**
 * `"<kind>: <message>"`, then the last stderr lines after a `--- ffmpeg stderr (last N lines) ---`
 * header when there are any. The kind comes first so a failed-jobs listing can be grouped by it.
 */
export function formatFailureReason(kind: string, message: string, stderrTail: string, stderrLines: number): string {
  const head = `${kind}: ${message}`;
  const tail = lastLines(stderrTail, stderrLines);
  if (tail.length === 0) return head;
  return `${head}\n--- ffmpeg stderr (last ${tail.length} lines) ---\n${tail.join('\n')}`;
}

/** The kind at the start of a `failedReason` written by {@link formatFailureReason}, or `undefined`. */
export function kindOfFailureReason(failedReason: string | undefined): string | undefined {
  return /^([a-z_]+): /.exec(failedReason ?? '')?.[1];
}
