export * from './app-process';
export * from './decider-specification';
export * from './eventstore-server';
export * from './redis';
export * from './system';
export * from './fake-oauth2-provider';
export * from './users';
export * from './telemetry-agent';
