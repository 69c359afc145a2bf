export { type CompletesOptions, type CreateFakeFfmpegOptions, createFakeFfmpeg, type FakeFfmpeg, type FakePacing, scenarios, UNRECOGNIZED_OPTION_STDERR } from './subprocess/fake-ffmpeg.js';
export { type CreateFakeSpawnOptions, createFakeSpawn, type FakeSpawn, type FakeSpawnCall } from './in-process/fake-spawn.js';
export type { FakeChildProcess } from './in-process/fake-child-process.js';
export { DEFAULT_FAKE_PROBE } from './scenario/fake-ffprobe.js';
export { advance, flushIo, fromViFakeTimers, runUntilSettled, type RunUntilSettledOptions, type SteppableClock, type ViFakeTimers } from './clocks.js';
export * from './scenario/ffmpeg-messages.js';
export type { FakeFfmpegScenario, FakeProbe, FakeProgressBlock, FakeStep } from './scenario/format.js';
