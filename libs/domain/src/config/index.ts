export * from './config.commands';
export * from './config.decider';
export * from './config.events';
