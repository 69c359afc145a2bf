import type { FfmpegService } from '../../service/service.js';
import type { RestartReason } from '../../service/restart-policy.js';
import type { ServiceOutcome } from '../../service/types.js';

/** One event of a service, stamped with the clock's time. */
export type RecordedServiceEvent =
  | { readonly atMs: number; readonly event: 'start'; readonly attempt: number }
  | { readonly atMs: number; readonly event: 'up'; readonly attempt: number }
  | { readonly atMs: number; readonly event: 'down'; readonly attempt: number; readonly reason: string }
  | { readonly atMs: number; readonly event: 'stall'; readonly attempt: number }
  | { readonly atMs: number; readonly event: 'slow'; readonly attempt: number }
  | { readonly atMs: number; readonly event: 'exit'; readonly attempt: number; readonly reason: string }
  | { readonly atMs: number; readonly event: 'restart'; readonly attempt: number; readonly reason: RestartReason; readonly delayMs: number }
  | { readonly atMs: number; readonly event: 'giveUp' | 'end'; readonly reason: ServiceOutcome['reason'] };

/** What {@link recordService} gives back. */
export interface ServiceRecording {
  /** Every event so far, in order. */
  readonly events: readonly RecordedServiceEvent[];
  /** Clock times of the starts. */
  starts(): number[];
  /** The restarts: when, why, and the delay announced. */
  restarts(): Array<{ readonly atMs: number; readonly attempt: number; readonly reason: RestartReason; readonly delayMs: number }>;
  /** The events as short strings (`start 1`, `up 1`, `restart 2 stalled 1000`, `end gave_up`), for one readable assertion. */
  timeline(): string[];
  /** Stops recording (removes the listeners). */
  dispose(): void;
}

/**
 * Records a service's lifecycle events with the time of `clock` (the one given to the service,
 * such as `@sinonjs/fake-timers`' `createClock()`), so a test can assert its restart schedule
 * exactly: `expect(recording.starts()).toEqual([0, 1_000, 3_000])`.
 */
export function recordService(service: FfmpegService, clock: { readonly now: number | (() => number) }): ServiceRecording {
  const now = (): number => (typeof clock.now === 'function' ? clock.now() : clock.now);
  const events: RecordedServiceEvent[] = [];
  const listeners = {
    start: ({ attempt }: { attempt: number }) => events.push({ atMs: now(), event: 'start', attempt }),
    up: ({ attempt }: { attempt: number }) => events.push({ atMs: now(), event: 'up', attempt }),
    down: ({ attempt, reason }: { attempt: number; reason: string }) => events.push({ atMs: now(), event: 'down', attempt, reason }),
    stall: ({ attempt }: { attempt: number }) => events.push({ atMs: now(), event: 'stall', attempt }),
    slow: ({ attempt }: { attempt: number }) => events.push({ atMs: now(), event: 'slow', attempt }),
    exit: ({ attempt, reason }: { attempt: number; reason: string }) => events.push({ atMs: now(), event: 'exit', attempt, reason }),
    restart: ({ attempt, reason, delayMs }: { attempt: number; reason: RestartReason; delayMs: number }) =>
      events.push({ atMs: now(), event: 'restart', attempt, reason, delayMs }),
    giveUp: ({ reason }: ServiceOutcome) => events.push({ atMs: now(), event: 'giveUp', reason }),
    end: ({ reason }: ServiceOutcome) => events.push({ atMs: now(), event: 'end', reason }),
  };
  for (const [name, listener] of Object.entries(listeners)) service.on(name as 'start', listener as never);
  return {
    events,
    starts: () => events.filter((event) => event.event === 'start').map((event) => event.atMs),
    restarts: () =>
      events.flatMap((event) => (event.event === 'restart' ? [{ atMs: event.atMs, attempt: event.attempt, reason: event.reason, delayMs: event.delayMs }] : [])),
    timeline: () => events.map(describeEvent),
    dispose: () => {
      for (const [name, listener] of Object.entries(listeners)) service.off(name as 'start', listener as never);
    },
  };
}

function describeEvent(event: RecordedServiceEvent): string {
  switch (event.event) {
    case 'restart':
      return `restart ${event.attempt} ${event.reason} ${event.delayMs}`;
    case 'down':
    case 'exit':
      return `${event.event} ${event.attempt} ${event.reason}`;
    case 'giveUp':
    case 'end':
      return `${event.event} ${event.reason}`;
    default:
      return `${event.event} ${event.attempt}`;
  }
}
