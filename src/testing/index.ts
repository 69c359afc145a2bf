// The scenario: what a fake ffmpeg does, as plain data, and the builders of common ones.
export type { FakeFfmpegScenario, FakeProbe, FakeProgressBlock, FakeStep } from './scenario/format.js';
export { type CompletesOptions, FAKE_OUTPUT_TEXT, type FakePacing, scenarios, UNRECOGNIZED_OPTION_STDERR } from './scenario/builders.js';
export { DEFAULT_FAKE_PROBE } from './scenario/fake-ffprobe.js';
export * from './scenario/ffmpeg-messages.js';
// The subprocess fake: a real executable that plays a scenario (integration tests).
export { type CreateFakeFfmpegOptions, createFakeFfmpeg, type FakeFfmpeg } from './subprocess/fake-ffmpeg.js';
// The in-process fake: a `spawn` option whose children play a scenario on a fake clock (unit tests).
export { type CreateFakeSpawnOptions, createFakeSpawn, type FakeSpawn, type FakeSpawnCall } from './in-process/fake-spawn.js';
export type { FakeChildProcess } from './in-process/fake-child-process.js';
// Clocks: one fake clock for the `clock` options and the helpers.
export { advance, type FakeClock, flushIo, fromViFakeTimers, runUntilSettled, type RunUntilSettledOptions, type SteppableClock, type ViFakeTimers } from './clocks.js';
// Live services: scenarios per attempt and a recorder of the service's events on fake time.
export * from './service/index.js';
