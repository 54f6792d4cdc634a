export { startTelemetryWorker } from './telemetry-worker';
export type { TelemetryWorker, TelemetryWorkerOptions } from './telemetry-worker';
