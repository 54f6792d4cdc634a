export * from './grid.commands';
export * from './grid.decider';
export * from './grid.events';
export * from './node-claims';
