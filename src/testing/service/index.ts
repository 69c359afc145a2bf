/** What a host needs to test its own live service (`FfmpegService`) in milliseconds. */
export { liveScenarios, type LiveStreamOptions } from './live-scenarios.js';
export { type RecordedServiceEvent, recordService, type ServiceRecording } from './recorder.js';
