import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AggregationTemporality, type DataPoint, type Histogram, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanStatusCode } from '@opentelemetry/api';
import FakeTimers from '@sinonjs/fake-timers';
import { FfmpegSupervisor, RemuxLadder } from 'ffmpeg-supervisor';
import { createFakeSpawn, type FakeFfmpegScenario, NON_MONOTONIC_DTS, runUntilSettled, scenarios } from 'ffmpeg-supervisor/testing';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { instrumentLadder, instrumentSupervisor, remuxTraced } from '../../examples/otel.js';

let dir: string;
let spans: InMemorySpanExporter;
let metricExporter: InMemoryMetricExporter;
let reader: PeriodicExportingMetricReader;
let meterProvider: MeterProvider;
let telemetry: Parameters<typeof instrumentLadder>[1];

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'otel-example-'));
  writeFileSync(path.join(dir, 'rec.ts'), 'a recording');
  spans = new InMemorySpanExporter();
  metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
  meterProvider = new MeterProvider({ readers: [reader] });
  const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }).getTracer('test');
  telemetry = { tracer, meter: meterProvider.getMeter('test') };
});

afterEach(async () => {
  await meterProvider.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

/** Every data point of the metric `name` exported so far, with its attributes. */
async function points(name: string): Promise<Array<DataPoint<number | Histogram>>> {
  await reader.forceFlush();
  const metric = metricExporter
    .getMetrics()
    .at(-1)
    ?.scopeMetrics.flatMap((scope) => scope.metrics)
    .find((candidate) => candidate.descriptor.name === name);
  return (metric?.dataPoints ?? []) as Array<DataPoint<number | Histogram>>;
}

function fakeLadder(scenario: FakeFfmpegScenario | FakeFfmpegScenario[]) {
  const clock = FakeTimers.createClock();
  const ladder = new RemuxLadder({ spawn: createFakeSpawn(scenario, { clock }), clock });
  instrumentLadder(ladder, telemetry);
  return { ladder, clock };
}

const byName = (name: string): ReadableSpan[] => spans.getFinishedSpans().filter((span) => span.name === name);

test('a remux that climbs to fallback: a remux span with one child span per attempt, and attempt metrics', async () => {
  const { ladder, clock } = fakeLadder([scenarios.failsWith({ stderr: [NON_MONOTONIC_DTS] }), scenarios.completes()]);
  const output = path.join(dir, 'rec.mp4');
  const result = await runUntilSettled(clock, remuxTraced(ladder, { inputs: [path.join(dir, 'rec.ts')], output }, telemetry));
  expect(result.strategy).toBe('fallback');

  const [remux] = byName('remux');
  const attempts = byName('remux.attempt');
  expect(remux?.attributes).toMatchObject({ 'remux.strategy': 'fallback', 'remux.attempts': 2, 'remux.parts': 1 });
  expect(remux?.status.code).toBe(SpanStatusCode.UNSET);
  expect(attempts.map((span) => [span.attributes['remux.strategy'], span.attributes['remux.kind'], span.status.code])).toEqual([
    ['default', 'non_monotonic_dts', SpanStatusCode.ERROR],
    ['fallback', 'none', SpanStatusCode.UNSET],
  ]);
  for (const attempt of attempts) expect(attempt.parentSpanContext?.spanId).toBe(remux?.spanContext().spanId);
  expect(ladder.listenerCount('attempt')).toBe(0); // the per-call listeners are gone

  const counted = await points('ffmpeg.remux.attempts');
  expect(counted.map((point) => [point.attributes, point.value])).toEqual([
    [{ strategy: 'default', kind: 'non_monotonic_dts' }, 1],
    [{ strategy: 'fallback', kind: 'ok' }, 1],
  ]);
  expect((await points('ffmpeg.remux.attempt.duration')).map((point) => (point.value as Histogram).count)).toEqual([1, 1]);
});

test('a stalled remux: a stall counted, a stall event on the attempt span, the remux span in error', async () => {
  const { ladder, clock } = fakeLadder(scenarios.progressThenHang());
  const run = remuxTraced(ladder, { inputs: [path.join(dir, 'rec.ts')], output: path.join(dir, 'rec.mp4') }, telemetry);
  await expect(runUntilSettled(clock, run)).rejects.toMatchObject({ kind: 'stalled' });

  expect(byName('remux')[0]?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'stalled' });
  const [attempt] = byName('remux.attempt');
  expect(attempt?.events.map((event) => event.name)).toEqual(['stall']);
  expect(attempt?.attributes).toMatchObject({ 'remux.kind': 'stalled', 'ffmpeg.reason': 'stalled', 'ffmpeg.forced_kill': false });
  expect((await points('ffmpeg.remux.stalls')).map((point) => [point.attributes, point.value])).toEqual([[{ strategy: 'default' }, 1]]);
});

test('the supervisor: one ffmpeg.run span per run, counters and durations by outcome', async () => {
  const clock = FakeTimers.createClock();
  const args = ['-i', 'file:in.ts', '-f', 'mp4', 'file:/dev/null'];
  const completed = new FfmpegSupervisor({ args, spawn: createFakeSpawn(scenarios.completes({ blocks: 2, everyMs: 500 }), { clock }), clock });
  const stalled = new FfmpegSupervisor({ args, spawn: createFakeSpawn(scenarios.progressThenHang(), { clock }), clock });
  const failed = new FfmpegSupervisor({ args, spawn: createFakeSpawn.failing('ENOENT'), clock });
  for (const supervisor of [completed, stalled, failed]) instrumentSupervisor(supervisor, telemetry);
  await runUntilSettled(clock, completed.run());
  await runUntilSettled(clock, stalled.run()).catch(() => {});
  await runUntilSettled(clock, failed.run()).catch(() => {});

  const runs = byName('ffmpeg.run');
  expect(runs.map((span) => [span.attributes['ffmpeg.reason'], span.status.code])).toEqual([
    ['completed', SpanStatusCode.UNSET],
    ['stalled', SpanStatusCode.ERROR],
    ['spawn_failed', SpanStatusCode.ERROR],
  ]);
  expect(runs[0]?.attributes).toMatchObject({ 'process.exit.code': 0, 'ffmpeg.forced_kill': false });
  expect(runs[1]?.events.map((event) => [event.name, event.attributes?.phase])).toEqual([['stall', 'running']]);
  expect((await points('ffmpeg.runs')).map((point) => [point.attributes, point.value])).toEqual([
    [{ reason: 'completed' }, 1],
    [{ reason: 'stalled' }, 1],
    [{ reason: 'spawn_failed' }, 1],
  ]);
  expect((await points('ffmpeg.stalls')).map((point) => [point.attributes, point.value])).toEqual([[{ phase: 'running' }, 1]]);
  const durations = await points('ffmpeg.run.duration');
  const completedDuration = durations.find((point) => point.attributes.reason === 'completed')?.value as Histogram;
  expect(completedDuration.sum).toBeCloseTo(1, 1); // two blocks 500 ms apart, on the fake clock
});
