export * from './volume.commands';
export * from './volume.decider';
export * from './volume.events';
