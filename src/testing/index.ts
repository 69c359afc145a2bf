export { type CompletesOptions, type CreateFakeFfmpegOptions, createFakeFfmpeg, type FakeFfmpeg, type FakePacing, scenarios, UNRECOGNIZED_OPTION_STDERR } from './fake-ffmpeg.js';
export { type CreateFakeSpawnOptions, createFakeSpawn, type FakeSpawn, type FakeSpawnCall } from './fake-spawn.js';
export type { FakeChildProcess } from './fake-child-process.js';
export { DEFAULT_FAKE_PROBE } from './fake-ffprobe.js';
export { advance, flushIo, fromViFakeTimers, runUntilSettled, type RunUntilSettledOptions, type SteppableClock, type ViFakeTimers } from './clocks.js';
export * from './ffmpeg-messages.js';
export type { FakeFfmpegScenario, FakeProbe, FakeProgressBlock, FakeStep } from './scenario.js';
export * from './service-kit.js';
