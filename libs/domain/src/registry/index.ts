export * from './registry-name';
export * from './registry.commands';
export * from './registry.decider';
export * from './registry.events';
