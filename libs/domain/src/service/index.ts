export * from './service.commands';
export * from './service.decider';
export * from './service.definition';
export * from './service.events';
export * from './service.rules';
