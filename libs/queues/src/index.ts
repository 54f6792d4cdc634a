export * from './agent-jobs';
export * from './agent-reports';
export * from './job-options';
export * from './queue-names';
export * from './service-pod';
export * from './telemetry-stream';
