/**
 * The supervisor's and the ladder's events as OpenTelemetry metrics and spans, with
 * `@opentelemetry/api` only: your service's SDK setup decides where they go (OTLP, Prometheus).
 * Without an SDK registered, the API's no-op meter and tracer make all of this free.
 *
 *   node --import tsx examples/otel.ts recording.ts out.mp4   # prints the spans and metrics
 */
import { pathToFileURL } from 'node:url';
import { type Attributes, context, type Meter, metrics, type Span, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { type FfmpegOutcome, type FfmpegSupervisor, RemuxError, type RemuxLadder, type RemuxRequest, type RemuxResult } from 'ffmpeg-supervisor';

export interface Telemetry {
  /** @default metrics.getMeter('ffmpeg-supervisor') */
  readonly meter?: Meter;
  /** @default trace.getTracer('ffmpeg-supervisor') */
  readonly tracer?: Tracer;
}

const meterOf = (telemetry: Telemetry): Meter => telemetry.meter ?? metrics.getMeter('ffmpeg-supervisor');
const tracerOf = (telemetry: Telemetry): Tracer => telemetry.tracer ?? trace.getTracer('ffmpeg-supervisor');

/**
 * One span per ffmpeg run (`ffmpeg.run`, from spawn to exit, with a `stall` event), and
 * counters and a duration histogram by outcome. Call once per supervisor, before `run()`.
 */
export function instrumentSupervisor(supervisor: FfmpegSupervisor, telemetry: Telemetry = {}): void {
  const meter = meterOf(telemetry);
  const runs = meter.createCounter('ffmpeg.runs', { description: 'ffmpeg runs by how they ended.' });
  const stalls = meter.createCounter('ffmpeg.stalls', { description: 'Runs the watchdog stopped for lack of forward progress.' });
  const durations = meter.createHistogram('ffmpeg.run.duration', { description: 'How long ffmpeg runs took.', unit: 's' });
  let span: Span | undefined;
  supervisor.on('spawn', ({ pid }) => {
    span = tracerOf(telemetry).startSpan('ffmpeg.run', { attributes: { 'process.pid': pid ?? -1 } });
  });
  supervisor.on('stall', (stall) => {
    stalls.add(1, { phase: stall.phase });
    span?.addEvent('stall', { phase: stall.phase, 'ffmpeg.stalled_for_ms': Math.round(stall.stalledForMs) });
  });
  supervisor.on('exit', (outcome) => {
    const attributes = outcomeAttributes(outcome);
    runs.add(1, { reason: outcome.reason });
    durations.record(outcome.durationMs / 1_000, { reason: outcome.reason });
    // A spawn failure has no spawn event: its span is opened and closed here.
    const ended = span ?? tracerOf(telemetry).startSpan('ffmpeg.run');
    ended.setAttributes(attributes);
    if (outcome.reason !== 'completed') ended.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason });
    ended.end();
    span = undefined;
  });
}

/**
 * Ladder metrics, as in the prom-client example: attempts by strategy and how they ended,
 * stalls by strategy, and attempt durations. Call once per ladder.
 */
export function instrumentLadder(ladder: RemuxLadder, telemetry: Telemetry = {}): void {
  const meter = meterOf(telemetry);
  const attempts = meter.createCounter('ffmpeg.remux.attempts', { description: 'Remux attempts by strategy and kind ("ok", or the RemuxError kind).' });
  const stalls = meter.createCounter('ffmpeg.remux.stalls', { description: 'Remux attempts the watchdog stopped.' });
  const durations = meter.createHistogram('ffmpeg.remux.attempt.duration', { description: 'How long remux attempts ran.', unit: 's' });
  ladder.on('stall', (stall) => stalls.add(1, { strategy: stall.strategy }));
  ladder.on('attemptEnd', (attempt) => {
    attempts.add(1, { strategy: attempt.strategy, kind: attempt.kind === 'none' ? 'ok' : attempt.kind });
    durations.record(attempt.durationMs / 1_000, { strategy: attempt.strategy });
  });
}

/**
 * `ladder.remux(request)` inside a `remux` span, with one child span per attempt
 * (`remux.attempt`, with its strategy and outcome). The listeners live for this call only, so
 * the ladder should run one job at a time; for a ladder shared by concurrent jobs, keep the
 * metrics (they need no job) and trace with one ladder per job.
 */
export async function remuxTraced(ladder: RemuxLadder, request: RemuxRequest, telemetry: Telemetry = {}): Promise<RemuxResult> {
  const tracer = tracerOf(telemetry);
  const span = tracer.startSpan('remux', { attributes: { 'remux.parts': request.inputs.length } });
  const parent = trace.setSpan(context.active(), span);
  let attemptSpan: Span | undefined;
  const onAttempt = ({ strategy, index }: { strategy: string; index: number }): void => {
    attemptSpan = tracer.startSpan('remux.attempt', { attributes: { 'remux.strategy': strategy, 'remux.attempt': index } }, parent);
  };
  const onStall = (): void => void attemptSpan?.addEvent('stall');
  const onAttemptEnd = (attempt: { kind: string; outcome: FfmpegOutcome }): void => {
    attemptSpan?.setAttributes({ 'remux.kind': attempt.kind, ...outcomeAttributes(attempt.outcome) });
    if (attempt.kind !== 'none') attemptSpan?.setStatus({ code: SpanStatusCode.ERROR, message: attempt.kind });
    attemptSpan?.end();
    attemptSpan = undefined;
  };
  ladder.on('attempt', onAttempt);
  ladder.on('stall', onStall);
  ladder.on('attemptEnd', onAttemptEnd);
  try {
    const result = await ladder.remux(request);
    span.setAttributes({ 'remux.strategy': result.strategy, 'remux.attempts': result.attempts.length });
    return result;
  } catch (error) {
    const kind = error instanceof RemuxError ? error.kind : 'error';
    span.setAttribute('remux.kind', kind);
    span.setStatus({ code: SpanStatusCode.ERROR, message: kind });
    if (error instanceof Error) span.recordException(error);
    throw error;
  } finally {
    ladder.off('attempt', onAttempt);
    ladder.off('stall', onStall);
    ladder.off('attemptEnd', onAttemptEnd);
    attemptSpan?.end();
    span.end();
  }
}

function outcomeAttributes(outcome: FfmpegOutcome): Attributes {
  return {
    'ffmpeg.reason': outcome.reason,
    'process.exit.code': outcome.exitCode ?? -1,
    'ffmpeg.forced_kill': outcome.forcedKill,
    ...(outcome.signal === null ? {} : { 'ffmpeg.signal': outcome.signal }),
  };
}

async function main(input: string, output: string): Promise<void> {
  const { ConsoleSpanExporter, BasicTracerProvider, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-base');
  const { ConsoleMetricExporter, MeterProvider, PeriodicExportingMetricReader } = await import('@opentelemetry/sdk-metrics');
  const { RemuxLadder } = await import('ffmpeg-supervisor');
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new ConsoleSpanExporter())] }).getTracer('example');
  const reader = new PeriodicExportingMetricReader({ exporter: new ConsoleMetricExporter(), exportIntervalMillis: 60_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const telemetry = { tracer, meter: meterProvider.getMeter('example') };
  const ladder = new RemuxLadder();
  instrumentLadder(ladder, telemetry);
  await remuxTraced(ladder, { inputs: [input], output }, telemetry).catch((error: unknown) => console.error(`remux failed: ${(error as Error).message}`));
  await meterProvider.shutdown();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [input, output] = process.argv.slice(2);
  if (input === undefined || output === undefined) throw new Error('usage: otel.ts <recording.ts> <out.mp4>');
  await main(input, output);
}
