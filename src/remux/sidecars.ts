import type { RemuxError } from './errors.js';
import type { RemuxAttempt } from './ladder-types.js';
import { removeQuietly, sidecarPaths, writeFileAtomic } from './output-file.js';
import type { RunnableStrategyDecision } from './types.js';

/** On success: `<output>.meta.json` (strategy, reason, codecs, time), written atomically; a stale `.err.log` goes. */
export async function writeSuccessSidecars(output: string, attempt: RemuxAttempt, decision: RunnableStrategyDecision): Promise<void> {
  const paths = sidecarPaths(output);
  const meta = {
    strategy: attempt.strategy,
    reason: decision.reason,
    videoCodec: decision.videoCodec ?? null,
    bitDepth: decision.bitDepth ?? null,
    audioTrackCount: decision.audioTrackCount,
    durationMs: attempt.durationMs,
    createdAt: new Date().toISOString(),
  };
  await writeFileAtomic(paths.meta, `${JSON.stringify(meta, null, 2)}\n`);
  await removeQuietly(paths.errorLog);
}

/** On failure: `<output>.err.log` with the error and every attempt's stderr tail (the fatal line is at the tail). */
export async function writeFailureSidecar(output: string, error: RemuxError): Promise<void> {
  const lines = [`kind: ${error.kind}`, `error: ${error.message}`, `at: ${new Date().toISOString()}`];
  for (const attempt of error.attempts) {
    const { reason, exitCode, signal } = attempt.outcome;
    lines.push('', `== strategy ${attempt.strategy}: ${attempt.kind} (${reason}, exit ${exitCode}, signal ${signal})`, attempt.stderrTail);
  }
  await writeFileAtomic(sidecarPaths(output).errorLog, `${lines.join('\n')}\n`).catch(() => {});
}
