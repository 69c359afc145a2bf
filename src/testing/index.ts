export { type CompletesOptions, type CreateFakeFfmpegOptions, createFakeFfmpeg, type FakeFfmpeg, type FakePacing, scenarios, UNRECOGNIZED_OPTION_STDERR } from './fake-ffmpeg.js';
export * from './ffmpeg-messages.js';
export type { FakeFfmpegScenario, FakeProgressBlock, FakeStep } from './scenario.js';
