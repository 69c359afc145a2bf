export * from './supervisor/index.js';
export * from './remux/index.js';
export { type BinarySetup, type DescribeFfmpegSetupOptions, describeFfmpegSetup, type FfmpegSetup } from './supervisor/ffmpeg-setup.js';
export type { BinaryCandidate, CandidateSource, CandidateStatus } from './supervisor/resolve-path.js';
export * from './service/index.js';
